/**
 * The narrow interface between the runner and a target's protocol: a {@link dev.tide.lab.driver.Driver}
 * sends an operation on a lane and reports its outcome once, with the number of retries it took.
 * RESP (single node and cluster) and etcd (gRPC, through jetcd) implement it.
 */
package dev.tide.lab.driver;
