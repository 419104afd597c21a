package io.plasmite.json;

import io.plasmite.PoolInfo;

/**
 * The PoolInfo object of {@code pool info --json}, {@code pool create --json} and the HTTP API, as
 * the Rust tools print it (keys in byte order):
 *
 * <pre>{@code
 * {"bounds":{"newest":42,"oldest":41},"file_size":1048576,"index_capacity":4096,
 *  "index_offset":4096,"index_size_bytes":65536,
 *  "metrics":{"age":{"newest_age_ms":..,"newest_time":"..","oldest_age_ms":..,"oldest_time":".."},
 *             "message_count":2,"seq_span":2,
 *             "utilization":{"free_bytes":..,"used_bytes":..,"used_percent":4.61}},
 *  "name":"demo","path":"/…/demo.plasmite","ring_offset":69632,"ring_size":978944}
 * }</pre>
 *
 * <p>{@code bounds} is {@code {}} for an empty pool; {@code used_percent} is truncated to
 * hundredths, ages are milliseconds before now, times RFC 3339 (null when the pool is empty).
 */
public final class PoolInfoJson {
  private PoolInfoJson() {}

  /**
   * Writes the object.
   *
   * @param json where to write
   * @param name the pool as the user named it
   * @param info the pool's info
   * @param nowNs the time ages are measured from
   */
  public static void write(CanonicalJsonWriter json, String name, PoolInfo info, long nowNs) {
    json.startObject();
    json.key("bounds");
    bounds(json, info);
    json.key("file_size").value(info.fileSize());
    json.key("index_capacity").value(info.indexCapacity());
    json.key("index_offset").value(info.indexOffset());
    json.key("index_size_bytes").value(info.indexSizeBytes());
    json.key("metrics").startObject();
    json.key("age").startObject();
    ageMs(json.key("newest_age_ms"), info.newestTimeNs(), nowNs);
    time(json.key("newest_time"), info.newestTimeNs());
    ageMs(json.key("oldest_age_ms"), info.oldestTimeNs(), nowNs);
    time(json.key("oldest_time"), info.oldestTimeNs());
    json.endObject();
    json.key("message_count").value(info.messageCount());
    json.key("seq_span").value(info.messageCount());
    json.key("utilization").startObject();
    json.key("free_bytes").value(Math.max(0, info.freeBytes()));
    json.key("used_bytes").value(info.usedBytes());
    json.key("used_percent").value(usedPercentHundredths(info) / 100.0);
    json.endObject();
    json.endObject();
    json.key("name").value(name);
    json.key("path").value(info.path().toAbsolutePath().toString());
    json.key("ring_offset").value(info.ringOffset());
    json.key("ring_size").value(info.ringSize());
    json.endObject();
  }

  /**
   * Writes {@code {"newest":N,"oldest":N}}, or {@code {}} for an empty pool.
   *
   * @param json where to write
   * @param info the pool's info
   */
  public static void bounds(CanonicalJsonWriter json, PoolInfo info) {
    json.startObject();
    if (!info.isEmpty()) {
      json.key("newest").value(info.newestSeq());
      json.key("oldest").value(info.oldestSeq());
    }
    json.endObject();
  }

  /**
   * Ring utilisation in hundredths of a percent, truncated.
   *
   * @param info the pool's info
   * @return 0 to 10000
   */
  public static long usedPercentHundredths(PoolInfo info) {
    if (info.ringSize() <= 0) {
      return 0;
    }
    return Math.min(10_000, info.usedBytes() * 10_000 / info.ringSize());
  }

  private static void ageMs(CanonicalJsonWriter json, long timeNs, long nowNs) {
    if (timeNs < 0) {
      json.nullValue();
    } else {
      json.value(Math.max(0, nowNs - timeNs) / 1_000_000);
    }
  }

  private static void time(CanonicalJsonWriter json, long timeNs) {
    if (timeNs < 0) {
      json.nullValue();
    } else {
      json.value(Rfc3339.format(timeNs));
    }
  }
}
