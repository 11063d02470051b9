/**
 * The codec contract of the official `phoenix` JavaScript client: what its
 * `Socket` options `encode` / `decode` receive and produce. Binary serializer
 * packages (`@fawkes/msgpack/client`, `@fawkes/protobuf/client`) export codecs of
 * this shape; `@fawkes/conformance` adapts them into its client codecs. Types
 * only, so a browser client entry can use them without pulling in server code.
 */

/** A message as the phoenix client hands it to `encode` and expects it from `decode`. */
export interface PhoenixClientMessage {
  /** Absent (as on the client's heartbeats) is read as null when encoding. */
  readonly join_ref: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/** The three `Socket` options a codec supplies: spread it into `new Socket(url, {...})`. */
export interface PhoenixCodec {
  readonly vsn: string;
  /**
   * Encode a {@link PhoenixClientMessage} (typed `object` so the codec fits
   * `@types/phoenix`'s `SocketConnectOption`) into the bytes handed to `WebSocket.send`.
   */
  encode(message: object, callback: (encoded: Uint8Array) => void): void;
  decode(raw: ArrayBuffer | ArrayBufferView | string, callback: (message: PhoenixClientMessage) => void): void;
}
