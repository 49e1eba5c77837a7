package dev.tide.cluster.raft.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte layout of the node log's segment files and records (big-endian).
 *
 * <pre>
 * segment file header (32 bytes, at offset 0)
 *    0  8  magic "TIDELOG1"
 *    8  8  sequence number of the segment (also in its file name)
 *   16  8  file length the segment was created with (files are preallocated; a shorter file was truncated)
 *   24  4  reserved (0)
 *   28  4  CRC32C of bytes 0..28
 *
 * record (36 bytes + group name + payload)
 *    0  4  magic 0x544C5245 ("TLRE")
 *    4  4  header CRC32C over bytes 8..36 and the group name
 *    8  1  type (ENTRY, CONF_ENTRY, TRUNCATE_PREFIX, TRUNCATE_SUFFIX, RESET, SEAL, REWRITE_ENTRY,
 *              REWRITE_CONF, REWRITE_COMMIT)
 *    9  1  group name length (0 only for SEAL)
 *   10  2  reserved (0)
 *   12  4  payload length
 *   16  4  payload CRC32C
 *   20  8  index (entries: the log index; TRUNCATE_PREFIX: first index kept; TRUNCATE_SUFFIX: last index kept;
 *              RESET: next log index; SEAL: records in the segment; REWRITE_COMMIT: first index rewritten)
 *   28  8  term (entries), REWRITE_COMMIT: last index rewritten, 0 otherwise
 *   36  n  group name (UTF-8)
 *   36+n   payload (entries: JRaft's encoded LogEntry)
 * </pre>
 *
 * A record's header does not depend on where it is written, so it is built and checksummed by the
 * thread that appends it and can be copied verbatim when a group's entries are rewritten. The
 * header has its own checksum so that a damaged payload still says which group and index it
 * belonged to (that group alone is then recovered from its peers); a damaged header makes the
 * rest of the segment unreadable. After the last record a segment holds zeros (files are created
 * sparse at their full length), which is how the end of the data is found.
 */
final class LogFormat {

  static final byte[] FILE_MAGIC = "TIDELOG1".getBytes(StandardCharsets.US_ASCII);
  static final int FILE_HEADER_BYTES = 32;
  static final int RECORD_MAGIC = 0x544C5245;
  static final int RECORD_FIXED_BYTES = 36;
  /** Largest group name: the length is one byte. */
  static final int MAX_GROUP_NAME_BYTES = 255;
  /**
   * Largest payload of one record. A log entry carries one write batch of at most
   * {@code Batch.MAX_BYTES} (1 MiB) unless a single command is larger; Redis's
   * proto-max-bulk-len caps a command at 512 MiB, and a segment's offsets must stay below 2^31.
   */
  static final int MAX_PAYLOAD_BYTES = 1 << 30;

  static final byte ENTRY = 1;
  static final byte CONF_ENTRY = 2;
  static final byte TRUNCATE_PREFIX = 3;
  static final byte TRUNCATE_SUFFIX = 4;
  static final byte RESET = 5;
  static final byte SEAL = 6;
  /**
   * A copy of a live entry made to free an old segment. Copies are staged and take effect only
   * when the REWRITE_COMMIT that follows them is read, so a crash in the middle of a rewrite
   * leaves the original entries in force.
   */
  static final byte REWRITE_ENTRY = 7;
  static final byte REWRITE_CONF = 8;
  static final byte REWRITE_COMMIT = 9;

  /** Length of a SEAL record; every segment keeps room for one. */
  static final int SEAL_BYTES = RECORD_FIXED_BYTES;

  private LogFormat() {
  }

  static String typeName(byte type) {
    return switch (type) {
      case ENTRY -> "entry";
      case CONF_ENTRY -> "configuration entry";
      case TRUNCATE_PREFIX -> "truncate-prefix";
      case TRUNCATE_SUFFIX -> "truncate-suffix";
      case RESET -> "reset";
      case SEAL -> "seal";
      case REWRITE_ENTRY -> "rewritten entry";
      case REWRITE_CONF -> "rewritten configuration entry";
      case REWRITE_COMMIT -> "rewrite commit";
      default -> "type " + type;
    };
  }

  static boolean isEntry(byte type) {
    return type == ENTRY || type == CONF_ENTRY || type == REWRITE_ENTRY || type == REWRITE_CONF;
  }

  static boolean isConf(byte type) {
    return type == CONF_ENTRY || type == REWRITE_CONF;
  }

  static boolean isValidType(byte type) {
    return type >= ENTRY && type <= REWRITE_COMMIT;
  }

  static ByteBuffer fileHeader(long seq, long fileBytes) {
    ByteBuffer b = ByteBuffer.allocate(FILE_HEADER_BYTES);
    b.put(FILE_MAGIC).putLong(seq).putLong(fileBytes).putInt(0);
    b.putInt(crc(b.array(), 0, 28));
    return b.flip();
  }

  /** Builds a record's header (fixed part and group name); the payload is written after it as is. */
  static byte[] recordHeader(byte type, byte[] group, long index, long term, byte[] payload, int payloadOff,
                             int payloadLen) {
    if (group.length > MAX_GROUP_NAME_BYTES) {
      throw new IllegalArgumentException("group name longer than " + MAX_GROUP_NAME_BYTES + " bytes");
    }
    if (payloadLen > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("log entry of " + payloadLen + " bytes is larger than the limit of "
          + MAX_PAYLOAD_BYTES);
    }
    byte[] h = new byte[RECORD_FIXED_BYTES + group.length];
    ByteBuffer b = ByteBuffer.wrap(h);
    b.putInt(RECORD_MAGIC).putInt(0).put(type).put((byte) group.length).putShort((short) 0)
        .putInt(payloadLen).putInt(payloadLen == 0 ? 0 : crc(payload, payloadOff, payloadLen))
        .putLong(index).putLong(term).put(group);
    b.putInt(4, crc(h, 8, h.length - 8));
    return h;
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  static int crc(ByteBuffer b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }
}
