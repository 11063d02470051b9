import { randomBytes } from "node:crypto";
import { FawkesError, resolveBackpressure, type Backpressure, type BackpressureOptions, type CheckOrigin } from "@fawkes/core";

/**
 * Options of {@link longpoll}. Every limit is per session unless stated otherwise.
 *
 * Back-pressure (`maxBufferedBytes` default 4 MiB, `hardMaxBufferedBytes` default
 * 4 x that, `slowConsumerGraceMs` default 2000) is core's slow-consumer policy,
 * applied to the bytes (UTF-8) buffered for the session's next polls: the session
 * ends (1008, `ERR_SLOW_CONSUMER`) when they stay above `maxBufferedBytes` for
 * `slowConsumerGraceMs` without a poll taking them below, or pass
 * `hardMaxBufferedBytes`. A poll answer carries at most
 * `max(1 MiB, maxBufferedBytes / 4)` of messages (at least one message).
 */
export interface LongPollOptions extends BackpressureOptions {
  /**
   * How long a poll waits for messages before it is answered with status 204, in
   * milliseconds. A session that sees no poll for 1.5 windows ends. Default 10 000.
   */
  readonly window?: number;
  /**
   * Key for signing session tokens (HMAC-SHA256), at least 32 bytes. Every node
   * behind one load balancer must use the same secret. When absent, a random
   * per-process secret is used and a warning is logged; with
   * `NODE_ENV=production` a missing secret is an `ERR_NO_SECRET` error.
   */
  readonly secret?: string | Uint8Array;
  /** Largest POST body accepted; bigger bodies get HTTP 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Hard bound on the messages buffered for a session: reaching it ends the
   * session at once (1008, `ERR_SLOW_CONSUMER`), whatever their size, so a flood
   * of tiny messages cannot grow per-message memory that `maxBufferedBytes` does
   * not see. Default 100 000.
   */
  readonly maxBufferedMessages?: number;
  /** Overrides the socket's `checkOrigin` for this transport. */
  readonly checkOrigin?: CheckOrigin;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly window: number;
  readonly secret: Uint8Array;
  /** True when the secret was generated because none was configured. */
  readonly generatedSecret: boolean;
  readonly maxBodyBytes: number;
  readonly maxBufferedMessages: number;
  readonly backpressure: Backpressure;
}

/** The most lines one ndjson POST may carry, as the official client batches them. */
export const MAX_BATCH_LINES = 100;

let processSecret: Uint8Array | undefined;

/**
 * Validates `options` and fills in defaults. Throws `ERR_BAD_OPTION` for a bad
 * value and `ERR_NO_SECRET` when no secret is given and `NODE_ENV` is `production`.
 */
export function resolveOptions(options: LongPollOptions, env: string | undefined = process.env.NODE_ENV): ResolvedOptions {
  const window = positiveInteger("window", options.window, 10_000);
  const maxBodyBytes = positiveInteger("maxBodyBytes", options.maxBodyBytes, 1024 * 1024);
  const maxBufferedMessages = positiveInteger("maxBufferedMessages", options.maxBufferedMessages, 100_000);
  let backpressure: Backpressure;
  try {
    backpressure = resolveBackpressure(options);
  } catch (cause) {
    throw new FawkesError("ERR_BAD_OPTION", `longpoll: ${(cause as Error).message}`, { cause });
  }
  if (options.secret === undefined) {
    if (env === "production") {
      throw new FawkesError("ERR_NO_SECRET", "longpoll() needs a `secret` in production: session tokens are signed with it, and every node must share it");
    }
    processSecret ??= randomBytes(32);
    return { window, maxBodyBytes, maxBufferedMessages, backpressure, secret: processSecret, generatedSecret: true };
  }
  const secret = typeof options.secret === "string" ? Buffer.from(options.secret, "utf8") : options.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength < 32) {
    throw new FawkesError("ERR_BAD_OPTION", "longpoll `secret` must be a string or Uint8Array of at least 32 bytes");
  }
  return { window, maxBodyBytes, maxBufferedMessages, backpressure, secret, generatedSecret: false };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new FawkesError("ERR_BAD_OPTION", `longpoll \`${name}\` must be a positive integer`);
  return value;
}
