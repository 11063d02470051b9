import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_SLOW_CONSUMER_GRACE_MS,
  FawkesError,
  originChecker,
  resolveBackpressure,
  type Backpressure,
  type BackpressureOptions,
  type CheckOrigin,
} from "@fawkes/core";

/**
 * Options of {@link websocket}. Every field is optional; defaults are in {@link WEBSOCKET_DEFAULTS}.
 *
 * Back-pressure (`maxBufferedBytes`, `hardMaxBufferedBytes`, `slowConsumerGraceMs`)
 * is core's one slow-consumer policy (`BackpressureOptions`), applied to the bytes
 * queued for a connection and not yet taken by the kernel (`ws.bufferedAmount`): a
 * connection is closed with 1008 and reason `ERR_SLOW_CONSUMER` only when it stays
 * above `maxBufferedBytes` for `slowConsumerGraceMs`, or passes `hardMaxBufferedBytes`.
 */
export interface WebSocketOptions extends BackpressureOptions {
  /**
   * Idle close, in milliseconds: a connection that sends nothing (no message, no
   * ping) for this long is closed with 1001 so the client reconnects. The official
   * client heartbeats every 30 s. `Infinity` disables it. Default 60000.
   */
  readonly timeout?: number;
  /**
   * Largest inbound message in bytes (after reassembly and decompression). A
   * bigger one closes that connection with 1009. Default 1 MiB.
   */
  readonly maxFrameSize?: number;
  /** Negotiate permessage-deflate with clients that offer it. Default false. */
  readonly compress?: boolean;
  /**
   * Origin check for this transport, overriding the socket's (see `CheckOrigin`
   * in `@fawkes/core`). The core enforces it; a refused origin gets HTTP 403.
   * Default: the socket's rule.
   */
  readonly checkOrigin?: CheckOrigin;
  /**
   * Subprotocols accepted besides `phoenix`, in order of preference. The server
   * answers `phoenix` when the client offers it, else the first of these it offers.
   */
  readonly subprotocols?: readonly string[];
}

/** The defaults {@link websocket} applies. */
export const WEBSOCKET_DEFAULTS = {
  timeout: 60_000,
  maxFrameSize: 1024 * 1024,
  compress: false,
  subprotocols: [] as readonly string[],
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
  hardMaxBufferedBytes: 4 * DEFAULT_MAX_BUFFERED_BYTES,
  slowConsumerGraceMs: DEFAULT_SLOW_CONSUMER_GRACE_MS,
} as const;

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly timeout: number;
  readonly maxFrameSize: number;
  readonly compress: boolean;
  readonly checkOrigin: CheckOrigin | undefined;
  readonly subprotocols: readonly string[];
  readonly backpressure: Backpressure;
}

// RFC 7230 token characters: what a subprotocol name may contain.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const KNOWN = new Set([
  "timeout",
  "maxFrameSize",
  "compress",
  "checkOrigin",
  "subprotocols",
  "maxBufferedBytes",
  "hardMaxBufferedBytes",
  "slowConsumerGraceMs",
]);

/** Validates `options`; throws `FawkesError` `ERR_BAD_OPTION` naming the first bad field. */
export function resolveOptions(options: WebSocketOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== "object") bad("options must be an object");
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) bad(`unknown option ${JSON.stringify(key)}`);
  const timeout = options.timeout ?? WEBSOCKET_DEFAULTS.timeout;
  if (typeof timeout !== "number" || !(timeout > 0) || (!Number.isInteger(timeout) && timeout !== Infinity)) {
    bad("timeout must be a positive integer of milliseconds, or Infinity");
  }
  const maxFrameSize = positiveInteger("maxFrameSize", options.maxFrameSize ?? WEBSOCKET_DEFAULTS.maxFrameSize);
  const backpressure = resolveBackpressureOptions(options);
  const compress = options.compress ?? WEBSOCKET_DEFAULTS.compress;
  if (typeof compress !== "boolean") bad("compress must be a boolean");
  const subprotocols = options.subprotocols ?? WEBSOCKET_DEFAULTS.subprotocols;
  if (!Array.isArray(subprotocols) || !subprotocols.every((p) => typeof p === "string" && TOKEN.test(p))) {
    bad("subprotocols must be a list of subprotocol names (RFC 7230 tokens)");
  }
  const checkOrigin = options.checkOrigin;
  if (checkOrigin !== undefined) {
    try {
      originChecker(checkOrigin);
    } catch (cause) {
      throw new FawkesError("ERR_BAD_OPTION", `websocket: checkOrigin is invalid: ${String(cause)}`, { cause });
    }
  }
  return { timeout, maxFrameSize, backpressure, compress, subprotocols: [...subprotocols], checkOrigin };
}

function resolveBackpressureOptions(options: BackpressureOptions): Backpressure {
  try {
    return resolveBackpressure(options);
  } catch (cause) {
    throw new FawkesError("ERR_BAD_OPTION", `websocket: ${(cause as Error).message}`, { cause });
  }
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) bad(`${name} must be a positive integer of bytes`);
  return value as number;
}

function bad(message: string): never {
  throw new FawkesError("ERR_BAD_OPTION", `websocket: ${message}`);
}
