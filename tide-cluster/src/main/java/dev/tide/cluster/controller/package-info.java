/**
 * The controller: a small Raft group ({@code "ctl"}, up to five voters) that owns the cluster map
 * — members with their names and states, slot → partition, partition → replicas, the epoch — and
 * every node's link to it.
 *
 * <ul>
 *   <li>{@link dev.tide.cluster.controller.ClusterState}: the map plus member metadata; changed only by
 *       {@link dev.tide.cluster.controller.MapCommand}s, each change a new epoch.</li>
 *   <li>{@link dev.tide.cluster.controller.ControllerFsm} / {@link dev.tide.cluster.controller.Controller}:
 *       the group's state machine and replica; {@link dev.tide.cluster.controller.StateFile} its
 *       snapshot and every node's cached map.</li>
 *   <li>{@link dev.tide.cluster.controller.MapSync}: a node's current map, refresh (poll, notices),
 *       joining, registration, the bus requests; {@link dev.tide.cluster.controller.MapListener} the
 *       hook that acts on new epochs.</li>
 *   <li>{@link dev.tide.cluster.controller.LeaderBalancer}: hands partition leadership back to the
 *       preferred replica.</li>
 *   <li>{@link dev.tide.cluster.controller.NodeIdentity}: which node and cluster a data directory
 *       belongs to.</li>
 * </ul>
 *
 * Design, alternatives and tests: docs/cluster.md, section "Controller".
 */
package dev.tide.cluster.controller;
