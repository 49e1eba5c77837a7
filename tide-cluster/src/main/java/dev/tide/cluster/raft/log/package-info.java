/**
 * The node log: one append-only, checksummed log of segment files per node that holds the Raft
 * log of every group the node hosts ({@link dev.tide.cluster.raft.log.NodeLog}), plugged into
 * SOFAJRaft through its log-storage SPI ({@link dev.tide.cluster.raft.log.SharedLogServiceFactory}).
 * Group commit (one write and one fsync for the appends of all groups that arrive together),
 * damage detection by per-record checksums, and the durability modes live here; what to do about
 * damage (quarantine, recovery from peers) lives in {@code dev.tide.cluster.raft.storage}.
 */
package dev.tide.cluster.raft.log;
