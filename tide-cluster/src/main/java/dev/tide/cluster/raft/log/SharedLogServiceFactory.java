package dev.tide.cluster.raft.log;

import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;

/**
 * JRaft's service factory with the log storage replaced by a view of the node's shared
 * {@link NodeLog}; Raft metadata and the entry codec stay JRaft's defaults, snapshots too but throttled only
 * where they are received ({@link ReceiveThrottledSnapshotStorage}). One
 * factory per node; the log URI JRaft passes is ignored (the group id, given at init, names the
 * group in the shared log).
 */
public final class SharedLogServiceFactory extends DefaultJRaftServiceFactory {

  private final NodeLog nodeLog;

  public SharedLogServiceFactory(NodeLog nodeLog) {
    this.nodeLog = nodeLog;
  }

  @Override
  public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
    return new GroupLogStorage(nodeLog);
  }

  /** JRaft's snapshot storage, throttled only where snapshots are received (replica moves). */
  @Override
  public com.alipay.sofa.jraft.storage.SnapshotStorage createSnapshotStorage(
      com.alipay.sofa.jraft.option.NodeOptions nodeOptions) {
    return new ReceiveThrottledSnapshotStorage(nodeOptions.getSnapshotUri(), nodeOptions.getSnapshotTempUri(),
        nodeOptions.getRaftOptions());
  }
}
