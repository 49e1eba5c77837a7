/**
 * Emulated node capacity, a lab feature ({@code --capacity-ops N}): a node-wide token bucket in
 * front of the command path that delays commands (by pausing the connection's reads) once the node
 * serves N commands a second, so a small machine can show a saturated node and the autoscaler's
 * answer to it. Absent (and free) when not configured. See docs/autoscaler.md, "Capacity emulation".
 */
package dev.tide.server.capacity;
