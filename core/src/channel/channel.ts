import type { InResult, JoinResult, Maybe, OutResult } from "../results.js";
import type { ChannelSocket } from "./channel-socket.js";

/**
 * Why a channel terminated: `left` (client left), `duplicate_join` (client joined
 * the topic again), `closed` (the connection ended), `crash` (a callback threw),
 * or the reason given to `stop()` (`normal` by default).
 */
export type TerminateReason = "left" | "duplicate_join" | "closed" | "crash" | (string & {});

/**
 * A channel, after Phoenix.Channel. Register a class (one instance per join, so
 * fields can hold per-channel state) or a plain object (stateless, shared):
 *
 * ```ts
 * class RoomChannel implements Channel {
 *   readonly intercepts = ["shout"];
 *   join(topic: string, payload: unknown, socket: ChannelSocket) { return ok({ topic }); }
 *   handleIn(event: string, payload: unknown, socket: ChannelSocket) {
 *     if (event === "new_msg") { socket.broadcast("new_msg", payload); return ok(); }
 *     return error({ reason: "unknown event" });
 *   }
 * }
 * ```
 *
 * Callbacks of one channel run one at a time, in arrival order; a callback that
 * returns a promise holds only its own channel. A callback that throws (or
 * rejects) crashes only its channel: the client gets `phx_error` and may rejoin.
 */
export interface Channel {
  join(topic: string, payload: unknown, socket: ChannelSocket): Maybe<JoinResult>;
  /** Client events other than join/leave. Missing: every event is ignored. */
  handleIn?(event: string, payload: unknown, socket: ChannelSocket): Maybe<InResult>;
  /** Broadcast events routed through `handleOut` instead of the fastlane. */
  readonly intercepts?: readonly string[];
  /** Intercepted broadcasts; push (or not) with `socket.push`. */
  handleOut?(event: string, payload: unknown, socket: ChannelSocket): Maybe<OutResult>;
  /** Messages sent with `socket.sendInfo`. */
  handleInfo?(message: unknown, socket: ChannelSocket): Maybe<OutResult>;
  /** Called once when the channel ends for any reason; errors are logged. */
  terminate?(reason: TerminateReason, socket: ChannelSocket): Maybe<void>;
}

/** A channel class (instantiated per join) or a shared channel object. */
export type ChannelDefinition = Channel | (new () => Channel);

/** The channel for one join: a new instance of a class, or the shared object itself. */
export function instantiateChannel(definition: ChannelDefinition): Channel {
  return typeof definition === "function" ? new definition() : definition;
}
