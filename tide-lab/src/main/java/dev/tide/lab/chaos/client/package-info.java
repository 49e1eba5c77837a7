/**
 * The chaos workloads' RESP client: synchronous calls (one operation in flight per logical
 * client, as linearizability checking assumes), cluster-aware routing that follows MOVED and
 * retries only replies that prove the command was not applied, and the classification of every
 * other error as "failed" (no effect) or "unknown" (may have taken effect) — see {@link
 * dev.tide.lab.chaos.client.Replies}.
 */
package dev.tide.lab.chaos.client;
