/**
 * The error the client codecs throw (and the server serializer wraps into a
 * `SerializerError` with the same `code`). It lives here, not in `@fawkes/core`,
 * so the browser-safe client entry needs nothing from the server side.
 *
 * Codes: `ERR_MALFORMED_FRAME` (not MessagePack, not a 5-element array, a field of
 * the wrong type, trailing bytes), `ERR_TEXT_FRAME` (a text frame where a binary one
 * was expected), `ERR_TOO_DEEP` (payload nested deeper than `maxDepth`),
 * `ERR_UNSUPPORTED_TYPE` (a MessagePack extension type, a non-finite float),
 * `ERR_UNENCODABLE` (encoding a value MessagePack cannot carry as plain data).
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
