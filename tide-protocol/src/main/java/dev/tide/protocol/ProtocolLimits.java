package dev.tide.protocol;

/**
 * Hard limits on what a client may send, checked by the decoder before it allocates.
 *
 * <p>Defaults are Redis 7's, so a client that works against Redis works against Tide:
 * {@code proto-max-bulk-len} 512 MB, {@code client-query-buffer-limit} 1 GB, inline requests and
 * length lines of at most 64 KB ({@code PROTO_INLINE_MAX_SIZE}) buffered without their line end,
 * and multibulk counts up to {@code INT_MAX}. Before a client has authenticated (when a password is required) Redis allows
 * only 10 arguments and 16 KB per bulk, which stops an anonymous peer from making the server buffer
 * large requests; Tide does the same.
 *
 * @param maxBulkBytes largest single argument ({@code proto-max-bulk-len})
 * @param maxMultibulkLength largest argument count of one request
 * @param maxInlineBytes longest inline request or length line ({@code PROTO_INLINE_MAX_SIZE})
 * @param maxQueryBufferBytes most memory one request may hold while it is assembled: its arguments'
 *     bytes plus a small per-argument overhead ({@code client-query-buffer-limit}; Redis bounds its
 *     unparsed query buffer with it, Tide the request being read, which is what costs memory here).
 *     A client over it is closed without a reply, as Redis does.
 */
public record ProtocolLimits(long maxBulkBytes, int maxMultibulkLength, int maxInlineBytes,
                             long maxQueryBufferBytes) {

  /** Redis's {@code PROTO_INLINE_MAX_SIZE}: 64 KB. */
  public static final int DEFAULT_MAX_INLINE_BYTES = 64 * 1024;
  /** Redis's default {@code proto-max-bulk-len}: 512 MB. */
  public static final long DEFAULT_MAX_BULK_BYTES = 512L * 1024 * 1024;
  /** Redis's default {@code client-query-buffer-limit}: 1 GB. */
  public static final long DEFAULT_MAX_QUERY_BUFFER_BYTES = 1024L * 1024 * 1024;
  /** Redis accepts any multibulk count up to {@code INT_MAX}. */
  public static final int DEFAULT_MAX_MULTIBULK_LENGTH = Integer.MAX_VALUE;
  /** Arguments an unauthenticated client may send in one request (Redis: 10). */
  public static final int UNAUTHENTICATED_MAX_MULTIBULK_LENGTH = 10;
  /** Bytes per argument an unauthenticated client may send (Redis: 16 KB). */
  public static final int UNAUTHENTICATED_MAX_BULK_BYTES = 16 * 1024;

  public static final ProtocolLimits DEFAULTS = new ProtocolLimits(DEFAULT_MAX_BULK_BYTES,
      DEFAULT_MAX_MULTIBULK_LENGTH, DEFAULT_MAX_INLINE_BYTES, DEFAULT_MAX_QUERY_BUFFER_BYTES);

  public ProtocolLimits {
    if (maxBulkBytes < 1) {
      throw new IllegalArgumentException("proto-max-bulk-len must be at least 1, got " + maxBulkBytes);
    }
    if (maxMultibulkLength < 1) {
      throw new IllegalArgumentException("max multibulk length must be at least 1, got " + maxMultibulkLength);
    }
    if (maxInlineBytes < 16) {
      throw new IllegalArgumentException("max inline size must be at least 16 bytes, got " + maxInlineBytes);
    }
    if (maxQueryBufferBytes < maxInlineBytes) {
      throw new IllegalArgumentException("client-query-buffer-limit must be at least the inline limit ("
          + maxInlineBytes + "), got " + maxQueryBufferBytes);
    }
  }

  public ProtocolLimits withMaxBulkBytes(long bytes) {
    return new ProtocolLimits(bytes, maxMultibulkLength, maxInlineBytes, maxQueryBufferBytes);
  }

  public ProtocolLimits withMaxQueryBufferBytes(long bytes) {
    return new ProtocolLimits(maxBulkBytes, maxMultibulkLength, maxInlineBytes, bytes);
  }
}
