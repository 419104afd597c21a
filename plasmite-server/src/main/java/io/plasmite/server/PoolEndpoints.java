package io.plasmite.server;

import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.json.PoolInfoJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool lifecycle: {@code POST /v0/pools} (create), {@code GET /v0/pools} (list), {@code POST
 * /v0/pools/open}, {@code GET /v0/pools/{pool}/info}, {@code DELETE /v0/pools/{pool}}.
 */
final class PoolEndpoints {
  private final ServerContext ctx;

  PoolEndpoints(ServerContext ctx) {
    this.ctx = ctx;
  }

  void create(Exchange x) {
    ctx.requireWrite();
    JsonBody body = JsonBody.parse(x.body());
    String name = body.string("pool", true);
    long size = body.nonNegative("size_bytes");
    PoolRef ref = ServerContext.poolRef(name);
    PoolOptions options = size < 0 ? PoolOptions.DEFAULTS : PoolOptions.ofSize(size);
    PoolInfo info = ctx.client.create(ref, options);
    sendPool(x, name, info);
  }

  void open(Exchange x) {
    ctx.requireRead();
    String name = JsonBody.parse(x.body()).string("pool", true);
    sendPool(x, name, ctx.client.info(ServerContext.poolRef(name)));
  }

  void info(Exchange x, String name) {
    ctx.requireRead();
    sendPool(x, name, ctx.client.info(ServerContext.poolRef(name)));
  }

  void list(Exchange x) {
    ctx.requireRead();
    List<String> names = new ArrayList<>();
    List<PoolInfo> infos = new ArrayList<>();
    for (Path file : ctx.client.poolFiles()) {
      try {
        infos.add(ctx.client.info(PoolRef.path(file)));
        String fileName = file.getFileName().toString();
        names.add(fileName.substring(0, fileName.length() - PoolRef.EXTENSION.length()));
      } catch (PlasmiteException e) {
        // An unreadable or damaged file is left out of the listing, as the reference does.
      }
    }
    long now = ServerContext.nowNs();
    x.json(
        w -> {
          w.startObject().key("pools").startArray();
          for (int i = 0; i < infos.size(); i++) {
            PoolInfoJson.write(w, names.get(i), infos.get(i), now);
          }
          w.endArray().endObject();
        });
  }

  void delete(Exchange x, String name) {
    ctx.requireWrite();
    PoolRef ref = ServerContext.poolRef(name);
    ctx.client.delete(ref);
    ctx.pools.forget(ref);
    x.json(w -> w.startObject().key("ok").value(true).endObject());
  }

  private static void sendPool(Exchange x, String name, PoolInfo info) {
    long now = ServerContext.nowNs();
    x.json(
        w -> {
          w.startObject().key("pool");
          PoolInfoJson.write(w, name, info, now);
          w.endObject();
        });
  }
}
