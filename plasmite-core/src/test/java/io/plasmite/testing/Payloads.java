package io.plasmite.testing;

import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Self-checking test messages: {@code {"body":"...","n":17,"sum":"...","w":1}}, where {@code body}
 * is a pseudo-random string determined by (seed, writer, counter) and {@code sum} its CRC-32. The
 * JSON is already canonical (keys sorted, no escapes), so it must come back byte for byte.
 */
public final class Payloads {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final Pattern SHAPE =
      Pattern.compile(
          "\\{\"body\":\"([A-Za-z0-9]*)\",\"n\":(\\d+),\"sum\":\"([0-9a-f]{8})\",\"w\":(\\d+)}");

  /** Writers with this id or higher write only bodies of 3,000 to 3,800 characters. */
  public static final int BIG_WRITERS = 100;

  /** The largest body {@link #body} produces. */
  public static final int MAX_BODY = 4000;

  private Payloads() {}

  /**
   * A parsed test message.
   *
   * @param w writer id
   * @param n the writer's counter
   * @param body the random body
   * @param sum the CRC-32 of the body, as 8 hex digits
   */
  public record Data(int w, long n, String body, String sum) {}

  /**
   * The body of message {@code n} of writer {@code w}: mostly short, sometimes up to {@link
   * #MAX_BODY} characters, so that frames of many sizes wrap the ring at many offsets; for writers
   * from {@link #BIG_WRITERS} on, always 3,000 to 3,800 characters.
   *
   * @param seed the run's seed
   * @param w writer id
   * @param n the writer's counter
   * @return the body
   */
  public static String body(long seed, int w, long n) {
    SplittableRandom r =
        new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (w * 0xBF58476D1CE4E5B9L) ^ n);
    int pick = r.nextInt(100);
    int len;
    if (w >= BIG_WRITERS) {
      len = r.nextInt(3000, 3801);
    } else if (pick < 45) {
      len = r.nextInt(0, 64);
    } else if (pick < 80) {
      len = r.nextInt(64, 512);
    } else if (pick < 95) {
      len = r.nextInt(512, 2048);
    } else {
      len = r.nextInt(2048, MAX_BODY + 1);
    }
    char[] c = new char[len];
    for (int i = 0; i < len; i++) {
      c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }

  /**
   * CRC-32 of a string's UTF-8 bytes.
   *
   * @param s the text
   * @return 8 lowercase hex digits
   */
  public static String crc(String s) {
    CRC32 crc = new CRC32();
    crc.update(s.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  /**
   * The canonical data JSON of message {@code n} of writer {@code w}.
   *
   * @param seed the run's seed
   * @param w writer id
   * @param n the writer's counter
   * @return the JSON text
   */
  public static String json(long seed, int w, long n) {
    String body = body(seed, w, n);
    return "{\"body\":\""
        + body
        + "\",\"n\":"
        + n
        + ",\"sum\":\""
        + crc(body)
        + "\",\"w\":"
        + w
        + "}";
  }

  /**
   * The tags of writer {@code w}'s messages.
   *
   * @param w writer id
   * @return {@code ["w<id>"]}
   */
  public static List<String> tags(int w) {
    return List.of("w" + w);
  }

  /**
   * Parses a test message's data.
   *
   * @param json the data JSON
   * @return the fields, or null if the text does not have the expected shape
   */
  public static Data parse(String json) {
    Matcher m = SHAPE.matcher(json);
    if (!m.matches()) {
      return null;
    }
    return new Data(
        Integer.parseInt(m.group(4)), Long.parseLong(m.group(2)), m.group(1), m.group(3));
  }

  /**
   * Checks a message read from a pool: decodable, of the expected shape, checksum right, body and
   * tags exactly what writer {@code w} wrote for counter {@code n}.
   *
   * @param m the message
   * @param seed the run's seed
   * @return the parsed data if everything holds
   * @throws IllegalStateException describing what is wrong
   */
  public static Data check(Message m, long seed) {
    String json;
    List<String> tags;
    try {
      json = m.dataJson();
      tags = m.tags();
    } catch (PlasmiteException e) {
      throw new IllegalStateException("seq " + m.seq() + ": payload does not decode: " + e, e);
    }
    Data d = parse(json);
    if (d == null) {
      throw new IllegalStateException("seq " + m.seq() + ": unexpected data " + abbreviate(json));
    }
    if (!crc(d.body()).equals(d.sum())) {
      throw new IllegalStateException(
          "seq " + m.seq() + ": checksum mismatch, sum " + d.sum() + " body crc " + crc(d.body()));
    }
    if (!d.body().equals(body(seed, d.w(), d.n()))) {
      throw new IllegalStateException(
          "seq " + m.seq() + ": body of w" + d.w() + " n" + d.n() + " is not what was written");
    }
    if (!tags.equals(tags(d.w()))) {
      throw new IllegalStateException("seq " + m.seq() + ": tags " + tags + " for w" + d.w());
    }
    return d;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
  }
}
