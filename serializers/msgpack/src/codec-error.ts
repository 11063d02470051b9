/**
 * The one `CodecError` of every Fawkes client codec, from `@fawkes/core/codec`
 * (browser-safe): the codec throws it, and the server serializer wraps it into a
 * `SerializerError` with the same `code`. Codes: see `@fawkes/core/codec`.
 */
export { CodecError } from "@fawkes/core/codec";
