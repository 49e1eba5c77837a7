/**
 * A cluster of Tide node processes on this machine ({@link dev.tide.cluster.local.LocalCluster}):
 * starting, crashing ({@code kill -9}), freezing (SIGSTOP/SIGCONT), restarting and stopping
 * nodes by PID, with the cluster's shape recorded next to its data
 * ({@link dev.tide.cluster.local.Layout}). Used by {@code ./tide up}, the real-process tests,
 * and tools that need real nodes to break.
 */
package dev.tide.cluster.local;
