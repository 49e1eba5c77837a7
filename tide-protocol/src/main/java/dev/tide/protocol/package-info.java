/**
 * The Redis serialization protocol (RESP2 and RESP3) as Tide speaks it.
 *
 * <p>{@link dev.tide.protocol.RespRequestDecoder} turns bytes from a client into argument
 * vectors, as an explicit state machine that checks every declared length against
 * {@link dev.tide.protocol.ProtocolLimits} before it allocates. {@link dev.tide.protocol.Reply}
 * is the sink that command implementations write their answers to, and
 * {@link dev.tide.protocol.RespReplyWriter} encodes those answers for the client's protocol
 * version (RESP3 maps, sets, doubles and nulls fold into their RESP2 shapes for RESP2 clients).
 */
package dev.tide.protocol;
