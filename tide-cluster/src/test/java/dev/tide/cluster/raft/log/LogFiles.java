package dev.tide.cluster.raft.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: where the records of a (closed) node log segment are, to damage them on purpose. */
public final class LogFiles {

  private LogFiles() {
  }

  /** One record found in a segment file. */
  public record Found(String group, long index, byte type, long recordOffset, long payloadOffset, int payloadLength) {
    public boolean isEntry() {
      return LogFormat.isEntry(type);
    }
  }

  /** The valid records of {@code segment}, in file order (stops at the first invalid one). */
  public static List<Found> records(Path segment) throws IOException {
    List<Found> out = new ArrayList<>();
    long size = java.nio.file.Files.size(segment);
    Segment seg = Segment.open(Segment.seqOf(segment.getFileName().toString()), segment, size, false);
    try {
      SegmentReader reader = new SegmentReader(seg);
      long pos = LogFormat.FILE_HEADER_BYTES;
      while (true) {
        SegmentReader.Parsed p = reader.read(pos);
        if (p.status != SegmentReader.Status.OK || p.type == LogFormat.SEAL) {
          return out;
        }
        int header = LogFormat.RECORD_FIXED_BYTES + p.group.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        out.add(new Found(p.group, p.index, p.type, pos, pos + header, p.length - header));
        pos += p.length;
      }
    } finally {
      seg.close();
    }
  }
}
