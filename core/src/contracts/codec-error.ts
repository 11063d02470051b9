/**
 * The error the client codecs throw (`@fawkes/msgpack/client`,
 * `@fawkes/protobuf/client`); their server serializers wrap it into a
 * `SerializerError` with the same `code`. It lives in `@fawkes/core/codec`, not
 * in the main entry, so a browser client entry needs nothing from the server side.
 *
 * Codes the codecs use: `ERR_MALFORMED_FRAME` (not a valid frame of the format),
 * `ERR_TEXT_FRAME` (a text frame where a binary one was expected), `ERR_TOO_DEEP`
 * (payload nested deeper than `maxDepth`), `ERR_UNSUPPORTED_TYPE` (a value the
 * format carries but the codec refuses, e.g. NaN), `ERR_UNENCODABLE` (encoding a
 * value the format cannot carry as plain data), `ERR_BAD_OPTION` (a bad codec option).
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
