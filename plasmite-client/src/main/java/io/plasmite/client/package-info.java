/** The pool API over HTTP: {@link io.plasmite.client.RemoteClient}. */
package io.plasmite.client;
