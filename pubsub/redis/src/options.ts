import { FawkesError, type Logger } from "@fawkes/core";
import type { Redis, RedisOptions } from "ioredis";

/** Options of {@link redisPubSub}. Every node sharing broadcasts must use the same `channelPrefix` and `shards`. */
export interface RedisPubSubOptions {
  /**
   * Where Redis is, e.g. `redis://:password@10.0.0.5:6379` or `rediss://...` for
   * TLS. Default `redis://127.0.0.1:6379`. The query parameters `channelPrefix`,
   * `shards` and `startTimeoutMs` are read by the adapter (options given here
   * win) and removed before the URL reaches ioredis, so a command line that takes
   * one URL can still choose them. Not together with `client`.
   */
  readonly url?: string;
  /**
   * An existing ioredis client whose connection options are reused. The adapter
   * never uses or closes this client: it opens its own two connections with
   * `client.duplicate()`. Not together with `url`.
   */
  readonly client?: Redis;
  /** Extra ioredis options for both connections (TLS, password, `retryStrategy`, ...). */
  readonly redis?: RedisOptions;
  /**
   * Names the Redis channels: `<prefix>` with one shard, `<prefix>:<i>` with
   * several. Redis PubSub channels are global to the server (the database number
   * does not separate them), so apps sharing a Redis server need different
   * prefixes. Default `fawkes`.
   */
  readonly channelPrefix?: string;
  /**
   * How many Redis channels broadcasts are spread over, by a hash of the topic.
   * 1 (the default) keeps every broadcast of a node in order; with more, order
   * holds per topic only. Every node subscribes to every shard. 1 to 1024.
   */
  readonly shards?: number;
  /**
   * How long `start()` waits for both connections to be ready and the channels
   * subscribed before it rejects with `ERR_PUBSUB_UNAVAILABLE`, in ms. Default 5000.
   */
  readonly startTimeoutMs?: number;
  /**
   * Most broadcasts held while the publishing connection is down; they are sent
   * in order once it is back. Past the limit broadcasts are dropped and a warning
   * is logged. 0 drops at once. Default 1000.
   */
  readonly queueLimit?: number;
  /** Where the adapter logs. Default: warnings and errors to the console. */
  readonly logger?: Logger;
}

/** Options with every default filled in and the URL's own parameters taken out. */
export interface ResolvedOptions {
  readonly url: string | undefined;
  readonly client: Redis | undefined;
  readonly redis: RedisOptions;
  readonly channelPrefix: string;
  readonly shards: number;
  readonly startTimeoutMs: number;
  readonly queueLimit: number;
  readonly logger: Logger;
}

const DEFAULT_URL = "redis://127.0.0.1:6379";

/** Validates `options` and fills in defaults; throws `ERR_BAD_OPTION` for a bad value. */
export function resolveOptions(options: RedisPubSubOptions): ResolvedOptions {
  if (options.url !== undefined && options.client !== undefined) bad("give either `url` or `client`, not both");
  let url: string | undefined;
  let fromUrl: Partial<Record<"channelPrefix" | "shards" | "startTimeoutMs", string>> = {};
  if (options.client === undefined) ({ url, fromUrl } = splitUrl(options.url ?? DEFAULT_URL));
  const channelPrefix = options.channelPrefix ?? fromUrl.channelPrefix ?? "fawkes";
  if (typeof channelPrefix !== "string" || channelPrefix === "") bad("`channelPrefix` must be a non-empty string");
  return {
    url,
    client: options.client,
    redis: options.redis ?? {},
    channelPrefix,
    shards: integer("shards", options.shards ?? numberFrom(fromUrl.shards), 1, 1, 1024),
    startTimeoutMs: integer("startTimeoutMs", options.startTimeoutMs ?? numberFrom(fromUrl.startTimeoutMs), 5000, 1, 600_000),
    queueLimit: integer("queueLimit", options.queueLimit, 1000, 0, 10_000_000),
    logger: options.logger ?? consoleLogger,
  };
}

function splitUrl(raw: string): { url: string; fromUrl: Partial<Record<"channelPrefix" | "shards" | "startTimeoutMs", string>> } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (cause) {
    throw new FawkesError("ERR_BAD_OPTION", `redisPubSub \`url\` ${JSON.stringify(raw)} is not a URL`, { cause });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") bad(`\`url\` must start with redis:// or rediss://, got ${parsed.protocol}`);
  const fromUrl: Partial<Record<"channelPrefix" | "shards" | "startTimeoutMs", string>> = {};
  for (const key of ["channelPrefix", "shards", "startTimeoutMs"] as const) {
    const value = parsed.searchParams.get(key);
    if (value !== null) fromUrl[key] = value;
    parsed.searchParams.delete(key);
  }
  return { url: parsed.toString(), fromUrl };
}

function numberFrom(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) bad(`\`${name}\` must be an integer from ${min} to ${max}`);
  return value;
}

function bad(message: string): never {
  throw new FawkesError("ERR_BAD_OPTION", `redisPubSub: ${message}`);
}

const consoleLogger: Logger = {
  debug() {},
  info() {},
  warn(message, fields) {
    console.warn(`[fawkes/redis] ${message}`, fields ?? "");
  },
  error(message, fields) {
    console.error(`[fawkes/redis] ${message}`, fields ?? "");
  },
};
