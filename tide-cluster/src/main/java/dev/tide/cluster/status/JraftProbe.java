package dev.tide.cluster.status;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.core.Replicator;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.ThreadId;

import java.lang.reflect.Field;

/**
 * Raft state that SOFAJRaft 1.4.1 keeps but does not publish: the current term of a node and the
 * leader's per-follower replicators (next index to send). The public {@code Node} API gives
 * state, leader, peers, commit/applied/last indexes; {@code describe()} prints term and
 * replicators too, but as text, under the node's lock, with the log storage's statistics.
 *
 * <p>Read by reflection on {@code NodeImpl}'s {@code currTerm} and {@code replicatorGroup}
 * fields (JRaft is on the class path, not a named module, so this needs no JVM flags). Should a
 * JRaft upgrade rename them, the probe answers "unknown" (-1) instead of failing the status
 * command; {@code JraftProbeTest} pins the fields so such an upgrade is noticed.
 */
final class JraftProbe {

  private static final Field CURR_TERM = field("currTerm");
  private static final Field REPLICATOR_GROUP = field("replicatorGroup");

  private JraftProbe() {
  }

  private static Field field(String name) {
    try {
      Field f = Class.forName("com.alipay.sofa.jraft.core.NodeImpl").getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** True when both fields were found (the probe works with this JRaft version). */
  static boolean available() {
    return CURR_TERM != null && REPLICATOR_GROUP != null;
  }

  /** The node's current term (a plain read of a long, a moment old), or -1 when unknown. */
  static long term(Node node) {
    if (CURR_TERM == null || !CURR_TERM.getDeclaringClass().isInstance(node)) {
      return -1;
    }
    try {
      return CURR_TERM.getLong(node);
    } catch (IllegalAccessException e) {
      return -1;
    }
  }

  /**
   * The next log index the leader will send to {@code follower}; 0 before the follower first
   * answered this leader, -1 when unknown (not a leader, no replicator, probe unavailable).
   */
  static long nextIndex(Node node, PeerId follower) {
    if (REPLICATOR_GROUP == null || !REPLICATOR_GROUP.getDeclaringClass().isInstance(node)) {
      return -1;
    }
    try {
      ReplicatorGroup group = (ReplicatorGroup) REPLICATOR_GROUP.get(node);
      if (group == null) {
        return -1;
      }
      ThreadId id = group.getReplicator(follower);
      return id == null ? -1 : Replicator.getNextIndex(id);
    } catch (IllegalAccessException | RuntimeException e) {
      return -1;
    }
  }
}
