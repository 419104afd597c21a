/** The pool API over HTTP: RemoteClient. */
package io.plasmite.client;
