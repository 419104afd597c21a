package io.plasmite.engine;

/**
 * A message as stored: seq, timestamp and the Lite3 payload copied out of the ring.
 *
 * @param seq the sequence number
 * @param timestampNs Unix nanoseconds
 * @param payload the Lite3 envelope bytes (a private copy)
 */
public record RawMessage(long seq, long timestampNs, byte[] payload) {}
