// The engine behind the cluster: BullMQ over Redis, through ioredis. Both are optional peers of
// hotpath, imported here on first use only, so the main entry and pages never pull them in, and a
// missing one is named with the command that installs it.
import { expected } from "../errors.ts";
import { ClusterError } from "./errors.ts";

export type BullMQ = typeof import("bullmq");
export type IORedisClass = typeof import("ioredis").default;
export type Redis = import("ioredis").default;

/** Loads bullmq and ioredis, or says what to install. @internal */
export async function loadEngine(): Promise<{ bullmq: BullMQ; Redis: IORedisClass }> {
  const missing: string[] = [];
  const bullmq = await import("bullmq").catch(() => void missing.push("bullmq"));
  const ioredis = await import("ioredis").catch(() => void missing.push("ioredis"));
  if (!bullmq || !ioredis)
    throw new ClusterError(
      "MISSING_PEER",
      `hotpath/cluster runs on BullMQ over Redis, and ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not installed: npm install bullmq ioredis`,
    );
  return { bullmq, Redis: ioredis.default };
}

/** Where Redis is: a redis:// or rediss:// URL, or host and port. */
export type ConnectionLike = string | { host?: string; port?: number; username?: string; password?: string; db?: number; tls?: boolean };

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
}

/** Parses the `connection` option. @internal */
export function redisTarget(connection: unknown, name = "options.connection"): RedisTarget {
  if (typeof connection === "string") {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw new TypeError(expected(name, 'a Redis URL such as "redis://127.0.0.1:6379"', connection));
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:")
      throw new TypeError(expected(name, "a redis:// or rediss:// URL", connection));
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
    if (db !== undefined && !(Number.isInteger(db) && db >= 0))
      throw new TypeError(expected(name, "a URL whose path is a database number", connection));
    return {
      host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
      port: url.port ? Number(url.port) : 6379,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(db !== undefined ? { db } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    };
  }
  if (connection && typeof connection === "object" && !Array.isArray(connection)) {
    const c = connection as Exclude<ConnectionLike, string>;
    const allowed = ["host", "port", "username", "password", "db", "tls"];
    const extra = Object.keys(c).find((k) => !allowed.includes(k));
    if (extra) throw new TypeError(`Unknown option \`${name}.${extra}\` (allowed: ${allowed.join(", ")})`);
    if (c.host !== undefined && typeof c.host !== "string") throw new TypeError(expected(`${name}.host`, "a host name", c.host));
    if (c.port !== undefined && !(Number.isInteger(c.port) && c.port > 0 && c.port < 65536))
      throw new TypeError(expected(`${name}.port`, "a port number", c.port));
    return {
      host: c.host ?? "127.0.0.1",
      port: c.port ?? 6379,
      ...(c.username !== undefined ? { username: c.username } : {}),
      ...(c.password !== undefined ? { password: c.password } : {}),
      ...(c.db !== undefined ? { db: c.db } : {}),
      ...(c.tls ? { tls: {} } : {}),
    };
  }
  throw new TypeError(expected(name, 'a Redis URL such as "redis://127.0.0.1:6379" or { host, port }', connection));
}

export const describeTarget = (t: RedisTarget) =>
  `${t.tls ? "rediss" : "redis"}://${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;

/**
 * ioredis options that fail fast instead of queueing commands while Redis is away: a command fails
 * after one reconnect try or `commandTimeout`, so a caller gets REDIS_LOST within seconds, never a hang.
 * (Workers, which should outlive a Redis restart, use BullMQ's own blocking defaults instead.)
 * @internal
 */
export function failFast(target: RedisTarget, timeoutMs: number): Record<string, unknown> {
  return {
    ...target,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times: number) => Math.min(200 * times, 1000),
  };
}

/** A fail-fast client connected to `target`, or ClusterError REDIS_UNREACHABLE if Redis does not answer a PING within `timeoutMs`. @internal */
export async function connectFailFast(Client: IORedisClass, target: RedisTarget, timeoutMs: number): Promise<Redis> {
  const redis = new Client(failFast(target, timeoutMs));
  redis.on("error", () => {}); // each command's failure is reported by the call that made it
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return redis;
  } catch (cause) {
    redis.disconnect();
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ClusterError("REDIS_UNREACHABLE", `No Redis answered at ${describeTarget(target)} within ${timeoutMs} ms: ${why}`, { cause });
  } finally {
    clearTimeout(timer);
  }
}
