package io.plasmite.cli;

import io.plasmite.server.ServeConfig;
import io.plasmite.server.TlsMaterial;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pls serve check}: validates a {@code serve} configuration (the safety rules, the token
 * file, the TLS files) without binding anything, and prints what the server would do.
 */
@Command(
    name = "check",
    description = "Validate a serve configuration without starting the server.")
public final class ServeCheckCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;
  @Mixin private ServeOptions options;

  /** Creates the command; picocli instantiates it. */
  public ServeCheckCommand() {}

  @Override
  public Integer call() {
    PlsCommand pls = PlsCommand.of(spec);
    ServeConfig config = options.config(pls.poolDir());
    config.validate();
    String fingerprint =
        config.tlsCert() == null
            ? null
            : TlsMaterial.fromPem(config.tlsCert(), config.tlsKey()).fingerprint();
    String scheme = config.tls() ? "https" : "http";
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    JsonOut.emit(
        pls,
        w -> {
          w.startObject();
          w.key("access").value(config.access().label());
          w.key("auth").value(config.token() == null ? "none" : "bearer");
          w.key("bind").value(host + ":" + config.port());
          w.key("cors_origins").startArray();
          config.corsOrigins().forEach(w::value);
          w.endArray();
          w.key("loopback").value(config.loopback());
          w.key("ok").value(true);
          w.key("pool_dir").value(config.poolDir().toAbsolutePath().toString());
          w.key("tls")
              .value(config.tlsSelfSigned() ? "self-signed" : config.tls() ? "files" : "none");
          if (fingerprint != null) {
            w.key("tls_fingerprint").value(fingerprint);
          }
          w.key("url").value(scheme + "://" + host + ":" + config.port());
          w.endObject();
        });
    return 0;
  }
}
