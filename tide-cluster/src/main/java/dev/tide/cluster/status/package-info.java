/**
 * What a cluster node says about itself and how tools read it: the {@code TIDE.STATUS} and
 * {@code TIDE.LOCALGET} commands ({@link dev.tide.cluster.status.StatusCommands}), the reply's
 * shape defined once for both ends ({@link dev.tide.cluster.status.NodeStatus}), the whole
 * cluster assembled from every member's answer ({@link dev.tide.cluster.status.ClusterStatus}),
 * its text tables ({@link dev.tide.cluster.status.StatusTables}, {@code ./tide status}), and a
 * small blocking RESP client for tools ({@link dev.tide.cluster.status.RespClient}).
 */
package dev.tide.cluster.status;
