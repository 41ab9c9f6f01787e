// The cluster's one error class. Its `code` says what went wrong, so callers can branch on it:
// - MISSING_PEER: bullmq or ioredis is not installed (hotpath/cluster's optional peers).
// - REDIS_UNREACHABLE: no Redis answered at `connection` within the connect timeout.
// - REDIS_LOST: Redis stopped answering during a call (a command failed or timed out).
// - VERSION_MISMATCH: a worker runs another hotpath version and refused the chunk.
// - BAD_JOB: a job's payload was malformed or too large; nothing from it was counted.
// - JOB_FAILED: a chunk failed on a worker (a kernel trap, a bad argument, or too many stalls).
// - JOB_TIMEOUT: a chunk ran longer than `jobTimeoutMs`; the worker ended its thread and started a fresh one.
// - CLOSED: the cluster was closed before or during the call.
import { HotpathError, keepName } from "../errors.ts";

export type ClusterErrorCode =
  "MISSING_PEER" | "REDIS_UNREACHABLE" | "REDIS_LOST" | "VERSION_MISMATCH" | "BAD_JOB" | "JOB_FAILED" | "JOB_TIMEOUT" | "CLOSED";

/** A cluster call or connection failed; `code` names the reason (see src/cluster/errors.ts). */
export class ClusterError extends HotpathError {
  override name = "ClusterError";
  override readonly code: ClusterErrorCode;
  constructor(code: ClusterErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
keepName(ClusterError, "ClusterError");

/** Worker-side errors travel as BullMQ failure reasons: "[CODE] message", parsed back here. @internal */
export function reasonToError(reason: string, where: string): ClusterError {
  const m = /^\[([A-Z_]+)\] ([\s\S]*)$/.exec(reason);
  const code = m && ["VERSION_MISMATCH", "BAD_JOB", "JOB_FAILED", "JOB_TIMEOUT"].includes(m[1]) ? (m[1] as ClusterErrorCode) : "JOB_FAILED";
  return new ClusterError(code, `${where}: ${m ? m[2] : reason}`);
}
