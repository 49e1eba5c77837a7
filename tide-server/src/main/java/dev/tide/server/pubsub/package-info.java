/**
 * Publish/subscribe on one node: the node-wide {@link dev.tide.server.pubsub.PubSubRegistry} of
 * channel, pattern and shard-channel subscriptions, each connection's {@link
 * dev.tide.server.pubsub.Subscriber} state, message delivery across event loops, and the
 * pub/sub client output buffer limit ({@link dev.tide.server.pubsub.OutputLimits}). The commands
 * live in {@link dev.tide.server.commands.PubSubCommands}.
 */
package dev.tide.server.pubsub;
