package io.plasmite.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The pool URL shape of the command line, and base URLs. */
class PoolUrlTest {
  @Test
  void splitsBaseAndPool() {
    RemoteClient.PoolUrl u = RemoteClient.PoolUrl.parse("http://127.0.0.1:9700/chat");
    assertEquals(URI.create("http://127.0.0.1:9700"), u.base());
    assertEquals("chat", u.pool());
    assertEquals("a b", RemoteClient.PoolUrl.parse("https://[::1]:9/a%20b").pool());
    assertEquals(
        URI.create("https://[::1]:9"), RemoteClient.PoolUrl.parse("https://[::1]:9/a%20b").base());
  }

  @Test
  void refusesOtherShapes() {
    for (String bad :
        new String[] {
          "http://h:1/",
          "http://h:1",
          "http://h:1/v0/pools/x",
          "http://h:1/a?b=1",
          "ftp://h/x",
          "http://h:1/a%2Fb",
          "http://h:1/x#f"
        }) {
      PlasmiteException e =
          assertThrows(PlasmiteException.class, () -> RemoteClient.PoolUrl.parse(bad), bad);
      assertEquals(ErrorKind.USAGE, e.kind());
    }
    assertThrows(PlasmiteException.class, () -> RemoteClient.builder(URI.create("http://h:1/x")));
    assertThrows(PlasmiteException.class, () -> RemoteClient.builder(URI.create("file:///x")));
    assertEquals(
        URI.create("http://h:1"),
        RemoteClient.builder(URI.create("http://h:1/")).build().baseUri());
  }
}
