/**
 * The error the client codec throws (and the server serializer wraps into a
 * `SerializerError` with the same `code`). It lives here, not in `@fawkes/core`,
 * so the browser-safe client entry needs nothing from the server side.
 *
 * Codes: `ERR_MALFORMED_FRAME` (not a valid Envelope: truncated, bad wire type, bad
 * UTF-8, missing topic or event, an undecodable typed payload), `ERR_TEXT_FRAME` (a
 * text frame where a binary one was expected), `ERR_TOO_DEEP` (payload nested deeper
 * than `maxDepth`), `ERR_UNSUPPORTED_TYPE` (NaN or an infinite number in a JSON value),
 * `ERR_UNENCODABLE` (encoding a value that is not JSON-compatible), `ERR_BAD_OPTION`.
 */
export class CodecError extends Error {
  /** Stable machine-readable code (`ERR_*`); match on this, not on the message. */
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodecError";
    this.code = code;
  }
}
