/**
 * Servers the harness starts, measures and stops: Tide (a process from the built CLI jar, or
 * in-process), Debian's {@code redis-server}, a Redis Cluster of {@code redis-server
 * --cluster-enabled yes} nodes, and a 3-member etcd cluster. Every server listens on loopback,
 * is stopped by PID and has its temporary directory removed; missing Debian packages are
 * installed when running as root.
 */
package dev.tide.lab.targets;
