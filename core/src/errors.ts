/**
 * The one error type Fawkes throws. Every error carries a stable `code`
 * (`ERR_*`) that tests and callers match on; the message text may change.
 *
 * Configuration and argument errors are thrown synchronously. Bad input from the
 * network never throws past the connection that sent it: the core turns it into
 * an error reply or a close of that connection.
 */
export class FawkesError extends Error {
  /** Stable machine-readable code, e.g. `ERR_BAD_PATTERN`. */
  readonly code: string;
  /** WebSocket close code to use when this error ends a connection, if any. */
  readonly closeCode: number | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; closeCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FawkesError";
    this.code = code;
    this.closeCode = options.closeCode;
  }
}

/**
 * Thrown by a serializer's `decode` for malformed input. `code` names what was
 * wrong (`ERR_MALFORMED_FRAME`, `ERR_FIELD_TOO_LONG`, ...). The core closes the
 * offending connection with close code 1007 (invalid frame payload data).
 */
export class SerializerError extends FawkesError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, closeCode: CloseCode.InvalidPayload });
    this.name = "SerializerError";
  }
}

/**
 * WebSocket close codes Fawkes uses. The official client reconnects after every
 * code but 1000, so 1000 is only sent when the server means "do not come back".
 */
export const CloseCode = {
  /** The server closed on purpose and the client must not reconnect. */
  Normal: 1000,
  /** `disconnect` broadcast, idle timeout, endpoint closing: reconnect. */
  GoingAway: 1001,
  /** Unsupported data (RFC 6455). Not sent by the core: a frame the serializer cannot read, of either kind, closes with 1007. */
  UnsupportedData: 1003,
  /** A malformed frame. */
  InvalidPayload: 1007,
  /** Policy: the client stopped reading and its output buffer passed the limit, or it flooded a slow channel. */
  PolicyViolation: 1008,
  /** A frame over the transport's size limit. */
  TooBig: 1009,
  /** An unexpected server error on this connection. */
  InternalError: 1011,
  /** The server is restarting or draining: reconnect (to another node). */
  ServiceRestart: 1012,
} as const;
