package dev.tide.cluster.raft.log;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.conf.ConfigurationEntry;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.codec.LogEntryDecoder;
import com.alipay.sofa.jraft.entity.codec.LogEntryEncoder;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft group's view of the node's shared {@link NodeLog}: JRaft's {@link LogStorage} SPI.
 *
 * <p>JRaft calls the mutating methods from the group's single log-manager thread and the reading
 * ones from any thread. Entries are encoded with the group's JRaft codec (the same bytes JRaft's
 * RocksDB store would keep) and written as one record each; a call's records are committed
 * together, and concurrent calls from other groups share the write and its fsync.
 *
 * <p>Semantics follow braft's segment log (which JRaft's LogManager expects): an empty log has
 * {@code last == first - 1}; {@link #truncatePrefix} past the last entry leaves an empty log that
 * continues at the new first index; {@link #reset} leaves an empty log continuing at the given
 * index.
 */
final class GroupLogStorage implements LogStorage {

  private static final Logger log = LoggerFactory.getLogger(GroupLogStorage.class);

  private final NodeLog nodeLog;
  private NodeLog.GroupState group;
  private LogEntryEncoder encoder;
  private LogEntryDecoder decoder;

  GroupLogStorage(NodeLog nodeLog) {
    this.nodeLog = nodeLog;
  }

  @Override
  public boolean init(LogStorageOptions opts) {
    String name = opts.getGroupId();
    if (name == null || name.isEmpty()) {
      log.error("log storage needs a group id");
      return false;
    }
    encoder = opts.getLogEntryCodecFactory().encoder();
    decoder = opts.getLogEntryCodecFactory().decoder();
    group = nodeLog.group(name);
    ConfigurationManager confs = opts.getConfigurationManager();
    for (long index : nodeLog.confIndexes(group)) {
      LogEntry e = getEntry(index);
      if (e == null) {
        log.error("group {}: configuration entry {} unreadable", name, index);
        return false;
      }
      ConfigurationEntry c = new ConfigurationEntry();
      c.setId(new LogId(index, e.getId().getTerm()));
      c.setConf(new Configuration(e.getPeers(), e.getLearners()));
      if (e.getOldPeers() != null) {
        c.setOldConf(new Configuration(e.getOldPeers(), e.getOldLearners()));
      }
      if (confs != null) {
        confs.add(c);
      }
    }
    return true;
  }

  @Override
  public void shutdown() {
    // The node log outlives its groups; ClusterNode closes it after every group stopped.
  }

  @Override
  public long getFirstLogIndex() {
    return nodeLog.firstIndex(group);
  }

  @Override
  public long getLastLogIndex() {
    return nodeLog.lastIndex(group);
  }

  @Override
  public LogEntry getEntry(long index) {
    byte[] bytes = nodeLog.readEntry(group, index);
    if (bytes == null) {
      return null;
    }
    LogEntry e = decoder.decode(bytes);
    if (e == null) {
      log.error("group {}: entry {} does not decode", group.index.name, index);
    }
    return e;
  }

  @Override
  @Deprecated
  public long getTerm(long index) {
    return nodeLog.term(group, index);
  }

  @Override
  public boolean appendEntry(LogEntry entry) {
    return appendEntries(List.of(entry)) == 1;
  }

  @Override
  public int appendEntries(List<LogEntry> entries) {
    if (entries == null || entries.isEmpty()) {
      return 0;
    }
    List<NodeLog.Rec> recs = new ArrayList<>(entries.size());
    long expect = -1;
    for (LogEntry e : entries) {
      long index = e.getId().getIndex();
      if (expect >= 0 && index != expect) {
        log.error("group {}: appended entries are not contiguous ({} after {})", group.index.name, index, expect - 1);
        return 0;
      }
      expect = index + 1;
      byte type = e.getType() == EntryType.ENTRY_TYPE_CONFIGURATION ? LogFormat.CONF_ENTRY : LogFormat.ENTRY;
      byte[] payload = encoder.encode(e);
      long term = e.getId().getTerm();
      recs.add(new NodeLog.Rec(type, index, term,
          LogFormat.recordHeader(type, group.index.nameBytes, index, term, payload, 0, payload.length),
          payload, 0, payload.length));
    }
    group.mutation.lock();
    try {
      long first = entries.get(0).getId().getIndex();
      long last = nodeLog.lastIndex(group);
      if (last >= nodeLog.firstIndex(group) && first > last + 1) {
        log.error("group {}: append at {} would leave a gap after {}", group.index.name, first, last);
        return 0;
      }
      nodeLog.commit(group, recs);
      return entries.size();
    } catch (IOException e) {
      log.error("group {}: cannot append entries [{}, {}]: {}", group.index.name, entries.get(0).getId().getIndex(),
          expect - 1, e.toString());
      return 0;
    } finally {
      group.mutation.unlock();
    }
  }

  @Override
  public boolean truncatePrefix(long firstIndexKept) {
    return control(LogFormat.TRUNCATE_PREFIX, firstIndexKept);
  }

  @Override
  public boolean truncateSuffix(long lastIndexKept) {
    return control(LogFormat.TRUNCATE_SUFFIX, lastIndexKept);
  }

  @Override
  public boolean reset(long nextLogIndex) {
    if (nextLogIndex <= 0) {
      throw new IllegalArgumentException("invalid next log index " + nextLogIndex);
    }
    return control(LogFormat.RESET, nextLogIndex);
  }

  private boolean control(byte type, long index) {
    group.mutation.lock();
    try {
      nodeLog.commit(group, List.of(NodeLog.control(group, type, index)));
      return true;
    } catch (IOException e) {
      log.error("group {}: {} {} failed: {}", group.index.name, LogFormat.typeName(type), index, e.toString());
      return false;
    } finally {
      group.mutation.unlock();
    }
  }
}
