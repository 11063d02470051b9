/**
 * The Serializer contract: how messages look on the wire.
 *
 * A serializer is three pure functions plus the client `vsn` values it serves.
 * It is stateless and shared by every connection that negotiated it. The core
 * picks one per connection from the `vsn` query parameter ("1.0.0" when absent).
 *
 * @example
 * ```ts
 * const upper: Serializer = {
 *   name: "shouting-json",
 *   vsn: ["3.0.0"],
 *   binary: false,
 *   encode: (m) => ({ opcode: "text", data: JSON.stringify(m).toUpperCase() }),
 *   fastlane: (b) => ({ opcode: "text", data: JSON.stringify(b) }),
 *   decode: (f) => { ... },
 * };
 * ```
 */

/** One WebSocket-style frame. Text frames carry strings; binary frames carry bytes. */
export type Frame = { readonly opcode: "text"; readonly data: string } | { readonly opcode: "binary"; readonly data: Uint8Array };

/**
 * A message between client and channel. `payload` is a JSON-compatible value, or a
 * `Uint8Array` for a binary payload (V2 binary frames and binary serializers).
 */
export interface Message {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/**
 * A reply to a client message. On the wire it is event `phx_reply` with payload
 * `{status, response}`, or a kind-1 binary frame when `response` is a `Uint8Array`.
 */
export interface Reply {
  readonly kind: "reply";
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly status: string;
  readonly response: unknown;
}

/** A broadcast: no refs. Encoded once per serializer and shared by all subscribers. */
export interface Broadcast {
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/** An outbound message: a push (a `Message` with null ref) or a reply. */
export type Outbound = Message | Reply;

/** True when `m` is a reply rather than a push. */
export function isReply(m: Outbound): m is Reply {
  return (m as Reply).kind === "reply";
}

export interface Serializer {
  /** Short human name, for logs and refusals, e.g. `json-v2`. */
  readonly name: string;
  /**
   * The client `vsn` values served, each either an exact version ("2.0.0-msgpack")
   * or a requirement "~> X.Y.Z" (X.Y.Z up to, not including, X.(Y+1).0; no
   * pre-release tags), as Phoenix matches them.
   */
  readonly vsn: readonly string[];
  /**
   * True when `encode`/`fastlane` may return binary frames for non-binary payloads,
   * so the transport must carry binary frames. Transports without binary frames
   * refuse such a serializer at connect.
   */
  readonly binary: boolean;
  /** Encode a push or reply for one connection. Must not throw for valid messages. */
  encode(message: Outbound): Frame;
  /**
   * Encode a broadcast. The core calls this once per serializer per broadcast and
   * hands the same frame object to every subscriber, so it must not depend on the
   * receiving connection.
   */
  fastlane(broadcast: Broadcast): Frame;
  /**
   * Decode one client frame. Must either return a valid message or throw a
   * {@link SerializerError}; never any other exception, never hang.
   */
  decode(frame: Frame): Message;
}

/** Does client version `vsn` satisfy `requirement` ("~> X.Y.Z" or an exact string)? */
export function vsnMatches(requirement: string, vsn: string): boolean {
  if (!requirement.startsWith("~>")) return requirement === vsn;
  const want = /^(\d+)\.(\d+)\.(\d+)$/.exec(requirement.slice(2).trim());
  const have = /^(\d+)\.(\d+)\.(\d+)$/.exec(vsn);
  if (!want || !have) return false;
  return want[1] === have[1] && want[2] === have[2] && Number(have[3]) >= Number(want[3]);
}

/** The first serializer of `serializers` serving `vsn`, or undefined. */
export function negotiateSerializer(serializers: readonly Serializer[], vsn: string): Serializer | undefined {
  return serializers.find((s) => s.vsn.some((req) => vsnMatches(req, vsn)));
}
