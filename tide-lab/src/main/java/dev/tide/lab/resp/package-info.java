/**
 * A small pipelining RESP2 client on Netty for load generation: {@link dev.tide.lab.resp.RespConnection}
 * (one TCP connection, requests queued from any thread and written in batches by its event loop,
 * replies matched in order), {@link dev.tide.lab.resp.RespReplyDecoder} and the slot-aware
 * {@link dev.tide.lab.resp.ClusterRouter} that follows MOVED and ASK.
 */
package dev.tide.lab.resp;
