package dev.tide.cluster.raft.log;

import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.SnapshotCopierOptions;
import com.alipay.sofa.jraft.storage.SnapshotThrottle;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotCopier;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotCopier;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotStorage;

/**
 * JRaft's local snapshot storage with the snapshot throttle applied only where snapshots are
 * received. JRaft would also ask it on the sending side, where a refused chunk is an error the
 * receiver counts against its few retries (so a throttled transfer could fail and restart from
 * the beginning, forever); limiting the receiver alone bounds what each node takes in, and so what
 * the cluster moves, without that failure mode.
 */
final class ReceiveThrottledSnapshotStorage extends LocalSnapshotStorage {

  private volatile SnapshotThrottle receiveThrottle;
  private volatile boolean filterBeforeCopyRemote;

  ReceiveThrottledSnapshotStorage(String path, String tempPath, RaftOptions raftOptions) {
    super(path, tempPath, raftOptions);
  }

  @Override
  public boolean setFilterBeforeCopyRemote() {
    filterBeforeCopyRemote = true;
    return super.setFilterBeforeCopyRemote();
  }

  @Override
  public void setSnapshotThrottle(SnapshotThrottle throttle) {
    this.receiveThrottle = throttle; // not passed on: the sending side stays unthrottled
  }

  @Override
  public SnapshotCopier startToCopyFrom(String uri, SnapshotCopierOptions opts) {
    LocalSnapshotCopier copier = new LocalSnapshotCopier();
    copier.setStorage(this);
    copier.setSnapshotThrottle(receiveThrottle);
    copier.setFilterBeforeCopyRemote(filterBeforeCopyRemote);
    if (!copier.init(uri, opts)) {
      return null;
    }
    copier.start();
    return copier;
  }
}
