import { FawkesError, resolveBackpressure, type Backpressure, type BackpressureOptions } from "@fawkes/core";

/**
 * Options of {@link tcpTransport}. Only `port` is required; defaults are in
 * {@link TCP_DEFAULTS}. Back-pressure (`maxBufferedBytes`, `hardMaxBufferedBytes`,
 * `slowConsumerGraceMs`) is the core's shared slow-consumer policy: a connection
 * whose unsent output stays above `maxBufferedBytes` for `slowConsumerGraceMs`
 * (default 2000), or passes `hardMaxBufferedBytes` (default 4 x) at any moment, is
 * closed with `C1008 ERR_SLOW_CONSUMER`.
 */
export interface TcpTransportOptions extends BackpressureOptions {
  /**
   * TCP port of the transport's own listener. `0` picks a free port; clients
   * learn it from `GET <mount>/<name>` on the HTTP server (see the README).
   */
  readonly port: number;
  /** Interface to bind. Default `127.0.0.1`; pass `0.0.0.0` or `::` to accept remote clients. */
  readonly host?: string;
  /**
   * Longest line accepted from a client, in bytes, without its `\n`: the handshake
   * and every frame line (a binary frame grows by 4/3 in base64). A longer one
   * refuses the handshake (400, `ERR_LINE_TOO_LONG`) or closes the connection with
   * `C1009`. Default 1 MiB.
   */
  readonly maxLineBytes?: number;
  /**
   * Idle close in ms: a connection from which nothing arrived for this long is
   * closed with `C1001` (the client reconnects; it heartbeats every 30 s). What the
   * server writes does not count: a dead client on a busy topic is still idle. A
   * client that never finishes its handshake is dropped after the same time.
   * `Infinity` disables it. Default 60000.
   */
  readonly timeout?: number;
}

/** The defaults {@link tcpTransport} applies. */
export const TCP_DEFAULTS = {
  host: "127.0.0.1",
  maxLineBytes: 1024 * 1024,
  timeout: 60_000,
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

/** Options after validation, defaults applied. */
export interface ResolvedTcpOptions {
  readonly port: number;
  readonly host: string;
  readonly maxLineBytes: number;
  readonly timeout: number;
  readonly backpressure: Backpressure;
}

/** Validates `options`; throws `FawkesError` `ERR_BAD_OPTION` naming the first bad field. */
export function resolveTcpOptions(options: TcpTransportOptions): ResolvedTcpOptions {
  if (options === null || typeof options !== "object") bad("options must be an object with a port");
  const { port, host = TCP_DEFAULTS.host, maxLineBytes = TCP_DEFAULTS.maxLineBytes, timeout = TCP_DEFAULTS.timeout } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad("port must be an integer from 0 to 65535");
  if (typeof host !== "string" || host === "") bad("host must be a non-empty string");
  if (!(timeout > 0) || (!Number.isInteger(timeout) && timeout !== Infinity)) bad("timeout must be a positive integer of milliseconds, or Infinity");
  positiveInteger("maxLineBytes", maxLineBytes);
  let backpressure: Backpressure;
  try {
    backpressure = resolveBackpressure(options, { maxBufferedBytes: TCP_DEFAULTS.maxBufferedBytes });
  } catch (cause) {
    bad(cause instanceof Error ? cause.message : String(cause));
  }
  return { port, host, maxLineBytes, timeout, backpressure };
}

function positiveInteger(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) bad(`${name} must be a positive integer of bytes`);
}

function bad(message: string): never {
  throw new FawkesError("ERR_BAD_OPTION", `tcp transport: ${message}`);
}
