// hotpath/cluster: the pool's parallel forms over many machines, on BullMQ over Redis. Node only.
// bullmq and ioredis are optional peers, imported when `createCluster` or `hotpath worker` runs.
export { createCluster } from "./client.ts";
export { ClusterError, type ClusterErrorCode } from "./errors.ts";
export { HOTPATH_VERSION, MAX_PAYLOAD_BYTES, MAX_MODULE_BYTES } from "./protocol.ts";
export { startWorker, type ClusterWorker, type WorkerOptions, type WorkerStats } from "./worker.ts";
/** Used by `hotpath worker`'s pool threads (imported by URL): not part of the API. */
export { clusterMandelbrotRows } from "./rows.ts";
export type {
  Cluster,
  ClusterCallOptions,
  ClusterFunction,
  ClusterOptions,
  ClusterProgress,
  ClusterRangeKernels,
  ClusterReduceOptions,
  PortableKernelRef,
} from "./types.ts";
export type { ConnectionLike } from "./engine.ts";
