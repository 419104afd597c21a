package io.plasmite.lite3;

/** The type byte in front of every Lite3 value. */
public enum Lite3Type {
  /** JSON null; no payload. */
  NULL(0, 0),
  /** A boolean; one payload byte. */
  BOOL(1, 1),
  /** A signed 64-bit integer, little-endian. */
  I64(2, 8),
  /** An IEEE-754 binary64, little-endian. */
  F64(3, 8),
  /** Raw bytes: u32 length, then the bytes. */
  BYTES(4, 4),
  /** A string: u32 size (bytes + 1), the UTF-8 bytes, then a 0 byte. */
  STRING(5, 4),
  /** An object: the value is the container's 96-byte root node. */
  OBJECT(6, 95),
  /** An array: the value is the container's 96-byte root node. */
  ARRAY(7, 95);

  private static final Lite3Type[] BY_CODE = values();

  private final int code;
  private final int fixedPayloadBytes;

  Lite3Type(int code, int fixedPayloadBytes) {
    this.code = code;
    this.fixedPayloadBytes = fixedPayloadBytes;
  }

  /**
   * The byte stored in the buffer.
   *
   * @return 0..7
   */
  public int code() {
    return code;
  }

  /**
   * Payload bytes after the type byte that do not depend on the value (for strings and bytes, the
   * u32 length only).
   *
   * @return the fixed payload length
   */
  public int fixedPayloadBytes() {
    return fixedPayloadBytes;
  }

  /**
   * The type with the given code.
   *
   * @param code a type byte
   * @return the type, or {@code null} when the code is 8 or more
   */
  public static Lite3Type ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
