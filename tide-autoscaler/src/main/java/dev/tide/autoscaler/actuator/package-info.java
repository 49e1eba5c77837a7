/**
 * Actuators: what the live loop acts through. {@link dev.tide.autoscaler.actuator.Actuator} is the
 * contract; {@link dev.tide.autoscaler.actuator.KubernetesActuator} scales a StatefulSet (draining
 * the highest ordinals first through a {@link dev.tide.autoscaler.actuator.DrainHook});
 * {@link dev.tide.autoscaler.actuator.StaticActuator} is a fixed list of nodes. The local process
 * actuator needs the elasticity commands and is not here yet.
 */
package dev.tide.autoscaler.actuator;
