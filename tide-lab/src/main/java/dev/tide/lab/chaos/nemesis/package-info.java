/**
 * The nemesis: the catalogue of faults ({@link dev.tide.lab.chaos.nemesis.FaultKind}), how each
 * is injected into and healed from a {@link dev.tide.lab.chaos.cluster.ChaosCluster} ({@link
 * dev.tide.lab.chaos.nemesis.Nemesis}), and the seeded schedule that composes them over a
 * bounded run ({@link dev.tide.lab.chaos.nemesis.Schedule}).
 */
package dev.tide.lab.chaos.nemesis;
