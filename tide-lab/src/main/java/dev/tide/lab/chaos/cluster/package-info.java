/**
 * The local Tide cluster a chaos run starts and hurts: node processes ({@link
 * dev.tide.lab.chaos.cluster.ChaosCluster}), optionally each in its own network namespace joined
 * by veth pairs to a bridge ({@link dev.tide.lab.chaos.cluster.NetworkNamespaces}, root only),
 * with its data directory on its own small ext4 loop filesystem ({@link
 * dev.tide.lab.chaos.cluster.LoopDisks}, root only) so that one node's disk can be filled or
 * slowed. Everything made is removed on close, and by a shutdown hook on Ctrl-C.
 */
package dev.tide.lab.chaos.cluster;
