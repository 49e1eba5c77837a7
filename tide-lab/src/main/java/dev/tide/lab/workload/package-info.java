/**
 * Seeded operation generators: key distributions (uniform, zipfian, hotspot, sequential), value
 * sizes, and the workloads built from them (GET/SET, hash, list, sorted set, pub/sub). The same
 * seed gives the same operations in the same order.
 */
package dev.tide.lab.workload;
