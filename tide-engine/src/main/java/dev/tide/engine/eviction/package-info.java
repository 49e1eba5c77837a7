/**
 * Eviction under {@code maxmemory}: the eight Redis policies, approximated by sampling with a
 * small pool of the best candidates, across the keyspace's shards one lock at a time.
 */
package dev.tide.engine.eviction;
