package dev.tide.cluster;

import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.protocol.Reply;

import java.util.List;

/**
 * The reply of {@code CLUSTER TIDE-MAP}: this node's copy of the controller's map. A RESP3 map
 * (RESP2 clients get the same keys and values as a flat array):
 *
 * <pre>
 *   cluster-id  bulk     the cluster's id ("" before the controller recorded the map)
 *   epoch       integer  the map's epoch
 *   myself      bulk     this node's member id
 *   controller  map      leader: member id of the controller leader as this node knows it, or null;
 *                        voters: array of member ids
 *   members     array of maps, in map order, left members included:
 *                        id, name, host, port, bus-port, state (joining|active|draining|left), zone,
 *                        controller (1 if a controller voter, else 0), replicas (partitions it holds),
 *                        preferred (partitions it is the preferred leader of)
 *   partitions  array of maps: partition (integer), slots (array of first, last, first, last ...),
 *                        replicas (array of member ids, preferred leader first),
 *                        leader (member id as this node knows it; null when it holds no replica
 *                        or the partition has no leader)
 * </pre>
 *
 * Consumers should look keys up by name, not position: keys may be added.
 */
final class TideMapReply {

  private TideMapReply() {
  }

  static void write(Reply r, ClusterNode node) {
    ClusterState s = node.state();
    ClusterMap map = s.map();
    r.map(6);
    r.bulk("cluster-id");
    r.bulk(s.clusterId());
    r.bulk("epoch");
    r.integer(s.epoch());
    r.bulk("myself");
    r.bulk(node.self().id());
    r.bulk("controller");
    r.map(2);
    r.bulk("leader");
    String leader = node.controllerLeaderId();
    if (leader == null) {
      r.nullBulk();
    } else {
      r.bulk(leader);
    }
    r.bulk("voters");
    r.array(s.controllers().size());
    for (String id : s.controllers()) {
      r.bulk(id);
    }
    int[] hosted = new int[s.members().size()];
    int[] preferred = new int[s.members().size()];
    for (int p = 0; p < map.partitionCount(); p++) {
      int[] replicas = map.replicaIndexes(p);
      preferred[replicas[0]]++;
      for (int m : replicas) {
        hosted[m]++;
      }
    }
    r.bulk("members");
    r.array(s.members().size());
    for (int i = 0; i < s.members().size(); i++) {
      MemberInfo m = s.members().get(i);
      r.map(10);
      r.bulk("id");
      r.bulk(m.id());
      r.bulk("name");
      r.bulk(m.name());
      r.bulk("host");
      r.bulk(m.member().host());
      r.bulk("port");
      r.integer(m.member().port());
      r.bulk("bus-port");
      r.integer(m.member().busPort());
      r.bulk("state");
      r.bulk(m.state().label());
      r.bulk("zone");
      r.bulk(m.zone());
      r.bulk("controller");
      r.integer(s.isController(m.id()) ? 1 : 0);
      r.bulk("replicas");
      r.integer(hosted[i]);
      r.bulk("preferred");
      r.integer(preferred[i]);
    }
    r.bulk("partitions");
    r.array(map.partitionCount());
    for (int p = 0; p < map.partitionCount(); p++) {
      r.map(4);
      r.bulk("partition");
      r.integer(p);
      r.bulk("slots");
      List<int[]> ranges = map.slotRanges(p);
      r.array(ranges.size() * 2);
      for (int[] range : ranges) {
        r.integer(range[0]);
        r.integer(range[1]);
      }
      r.bulk("replicas");
      List<Member> replicas = map.replicas(p);
      r.array(replicas.size());
      for (Member m : replicas) {
        r.bulk(m.id());
      }
      r.bulk("leader");
      Member known = node.partition(p) == null ? null : node.leaderOf(p);
      if (known == null) {
        r.nullBulk();
      } else {
        r.bulk(known.id());
      }
    }
  }
}
