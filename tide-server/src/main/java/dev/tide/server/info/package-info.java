/**
 * What INFO reports: the sections and their Redis field names ({@link dev.tide.server.info.ServerInfo}),
 * the sampled instantaneous rates ({@link dev.tide.server.info.RateSampler}) and figures read from
 * the operating system ({@link dev.tide.server.info.ProcessStats}).
 */
package dev.tide.server.info;
