package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a certificate made at start-up or read from PEM files. */
class TlsTest {
  @TempDir Path dir;

  private static HttpClient trusting(X509Certificate cert) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("server", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder()
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void selfSignedServerIsReachableByAClientThatTrustsIt() throws Exception {
    try (ServerFixture s = new ServerFixture(dir, b -> b.tlsSelfSigned(true))) {
      assertEquals("https", s.server.baseUri().getScheme());
      X509Certificate cert = s.server.tls().chain().getFirst();
      HttpClient client = trusting(cert);
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(s.uri("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("{\"ok\":true}", r.body());
      assertEquals(7 + 64 + 31, s.server.tls().fingerprint().length());
      assertTrue(s.server.tls().fingerprint().startsWith("SHA256:"));

      HttpClient stranger = HttpClient.newHttpClient();
      assertThrows(
          SSLHandshakeException.class,
          () ->
              stranger.send(
                  HttpRequest.newBuilder(s.uri("/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void pemFilesRoundTrip() throws Exception {
    TlsMaterial made = TlsMaterial.selfSigned(Duration.ofDays(1), List.of("plasmite.test"));
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, made.certificatePem());
    Files.writeString(key, made.privateKeyPem());
    assertTrue(made.certificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
    assertTrue(made.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"));
    TlsMaterial read = TlsMaterial.fromPem(cert, key);
    assertEquals(made.fingerprint(), read.fingerprint());
    try (ServerFixture s = new ServerFixture(dir.resolve("pools"), b -> b.tlsFiles(cert, key))) {
      assertEquals(made.fingerprint(), s.server.tls().fingerprint());
      HttpResponse<String> r =
          trusting(read.chain().getFirst())
              .send(
                  HttpRequest.newBuilder(s.uri("/v0/pools")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("{\"pools\":[]}", r.body());
    }
  }

  @Test
  void badPemFilesAreClearErrors() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
    TlsMaterial made = TlsMaterial.selfSigned(Duration.ofDays(1), List.of());
    Path cert = Files.writeString(dir.resolve("cert.pem"), made.certificatePem());
    PlasmiteException noCert =
        assertThrows(PlasmiteException.class, () -> TlsMaterial.fromPem(empty, empty));
    assertEquals(ErrorKind.USAGE, noCert.kind());
    PlasmiteException noKey =
        assertThrows(PlasmiteException.class, () -> TlsMaterial.fromPem(cert, empty));
    assertEquals(ErrorKind.USAGE, noKey.kind());
    PlasmiteException missing =
        assertThrows(
            PlasmiteException.class, () -> TlsMaterial.fromPem(dir.resolve("nope.pem"), empty));
    assertEquals(ErrorKind.NOT_FOUND, missing.kind());
    Path otherKey =
        Files.writeString(
            dir.resolve("other.pem"),
            TlsMaterial.selfSigned(Duration.ofDays(1), List.of()).privateKeyPem());
    PlasmiteException mismatch =
        assertThrows(PlasmiteException.class, () -> TlsMaterial.fromPem(cert, otherKey));
    assertEquals(ErrorKind.USAGE, mismatch.kind());
  }
}
