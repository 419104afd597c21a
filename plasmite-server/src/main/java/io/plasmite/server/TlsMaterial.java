package io.plasmite.server;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A server certificate chain and its private key: read from PEM files, or made on the spot as a
 * self-signed certificate (an ECDSA P-256 key, valid for {@code localhost}, {@code 127.0.0.1},
 * {@code ::1} and any further names given).
 *
 * <p>BouncyCastle builds and writes the certificate (the JDK has no public X.509 builder); the keys
 * and signatures come from the JDK's own providers.
 *
 * @param chain the certificate chain, leaf first
 * @param privateKey the leaf's private key
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey privateKey) {

  /** Copies the chain. */
  public TlsMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty certificate chain");
    }
  }

  /**
   * Makes a self-signed certificate.
   *
   * @param validity how long it is valid from now
   * @param extraHosts further DNS names or IP addresses to put in the certificate
   * @return the certificate and its key
   */
  public static TlsMaterial selfSigned(Duration validity, List<String> extraHosts) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=plasmite");
      Instant now = Instant.now();
      BigInteger serial = new BigInteger(96, new SecureRandom());
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial,
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(validity)),
              subject,
              keys.getPublic());
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, "localhost"));
      names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      names.add(new GeneralName(GeneralName.iPAddress, "::1"));
      for (String host : extraHosts) {
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        GeneralName name = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
        if (!names.contains(name)) {
          names.add(name);
        }
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      return new TlsMaterial(List.of(cert), keys.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw PlasmiteException.of(
          ErrorKind.INTERNAL, "failed to generate a self-signed certificate", e);
    }
  }

  /**
   * Reads a certificate chain and a private key (PKCS#8, PKCS#1 or SEC1) from PEM files.
   *
   * @param certFile the certificate file
   * @param keyFile the key file
   * @return the material
   * @throws PlasmiteException NotFound or Io when a file cannot be read, Usage when it holds no
   *     certificate or key
   */
  public static TlsMaterial fromPem(Path certFile, Path keyFile) {
    List<X509Certificate> chain = new ArrayList<>();
    for (Object item : readPem(certFile, "TLS certificate")) {
      if (item instanceof X509CertificateHolder holder) {
        try {
          chain.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw PlasmiteException.of(ErrorKind.USAGE, "invalid TLS certificate", e)
              .withPath(certFile);
        }
      }
    }
    if (chain.isEmpty()) {
      throw PlasmiteException.of(ErrorKind.USAGE, "TLS certificate file contains no certificates")
          .withPath(certFile)
          .withHint("Use a PEM file with a BEGIN CERTIFICATE block.");
    }
    PrivateKey key = null;
    for (Object item : readPem(keyFile, "TLS key")) {
      try {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (item instanceof PEMKeyPair pair) {
          key = converter.getKeyPair(pair).getPrivate();
        } else if (item instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
          key = converter.getPrivateKey(info);
        }
      } catch (PEMException e) {
        throw PlasmiteException.of(ErrorKind.USAGE, "invalid TLS key", e).withPath(keyFile);
      }
      if (key != null) {
        break;
      }
    }
    if (key == null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "TLS key file contains no private key")
          .withPath(keyFile)
          .withHint("Use an unencrypted PEM private key (BEGIN PRIVATE KEY).");
    }
    checkPair(chain.getFirst(), key, keyFile);
    return new TlsMaterial(chain, key);
  }

  /** Refuses a key that does not belong to the certificate: a signature must verify. */
  private static void checkPair(X509Certificate cert, PrivateKey key, Path keyFile) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "TLS key does not fit the certificate", e)
          .withPath(keyFile);
    }
    throw PlasmiteException.of(ErrorKind.USAGE, "TLS key does not fit the certificate")
        .withPath(keyFile)
        .withHint("Use the key file made together with the certificate.");
  }

  private static List<Object> readPem(Path file, String what) {
    List<Object> items = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
        items.add(item);
      }
    } catch (NoSuchFileException e) {
      throw PlasmiteException.of(ErrorKind.NOT_FOUND, what + " file not found").withPath(file);
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "failed to read " + what, e).withPath(file);
    }
    return items;
  }

  /**
   * An SSL context that presents this certificate (TLS 1.2 and 1.3).
   *
   * @return the context
   * @throws PlasmiteException Usage when the key does not fit the certificate
   */
  public SSLContext sslContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("server", privateKey, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid TLS certificate or key", e);
    }
  }

  /**
   * The SHA-256 fingerprint of the leaf certificate's DER bytes, as the Rust tools print it ({@code
   * SHA256:AB:CD:…}; {@code openssl x509 -fingerprint -sha256} shows the same bytes).
   *
   * @return {@code SHA256:} and 32 colon-separated upper-case hex bytes
   */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.getFirst().getEncoded());
      return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot fingerprint the certificate", e);
    }
  }

  /**
   * The certificate chain as PEM text.
   *
   * @return {@code -----BEGIN CERTIFICATE-----…}
   */
  public String certificatePem() {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (X509Certificate cert : chain) {
        pem.writeObject(cert);
      }
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot write the certificate", e);
    }
    return out.toString();
  }

  /**
   * The private key as PKCS#8 PEM text.
   *
   * @return {@code -----BEGIN PRIVATE KEY-----…}
   */
  public String privateKeyPem() {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(privateKey, null));
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot write the key", e);
    }
    return out.toString();
  }
}
