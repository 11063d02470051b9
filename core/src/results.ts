/**
 * Callback results are values, after Phoenix's tuples:
 *
 * | callback | may return |
 * |---|---|
 * | `connect` | `true`/`undefined`/`ok()` to accept; `false`, `error(reason)` or `refuse(reason, status)` to refuse |
 * | `join` | `ok(response?)` or `error(response)` (`true`/`undefined` mean `ok()`) |
 * | `handleIn` | `ok(r)` / `error(r)` / `reply(status, r)` (reply), `noreply()` or `undefined`, `stop(reason, reply?)` |
 * | `handleOut`, `handleInfo` | `noreply()` or `undefined`, `stop(reason)` |
 *
 * Any of them may return a promise of the same.
 */
export interface OkResult { readonly type: "ok"; readonly response: unknown }
export interface ErrorResult { readonly type: "error"; readonly response: unknown }
export interface ReplyResult { readonly type: "reply"; readonly status: string; readonly response: unknown }
export interface NoReplyResult { readonly type: "noreply" }
export interface StopResult {
  readonly type: "stop";
  readonly reason: string;
  readonly reply: { readonly status: string; readonly response: unknown } | undefined;
}
export interface RefuseResult { readonly type: "refuse"; readonly status: number; readonly reason: string }

export type ConnectResult = boolean | undefined | OkResult | ErrorResult | RefuseResult;
export type JoinResult = true | undefined | OkResult | ErrorResult;
export type InResult = void | undefined | OkResult | ErrorResult | ReplyResult | NoReplyResult | StopResult;
export type OutResult = void | undefined | NoReplyResult | StopResult;

/** Accept (join, connect) or reply `ok` with `response` (handleIn). */
export function ok(response: unknown = {}): OkResult {
  return { type: "ok", response };
}

/** Refuse a join, or reply `error` with `response` (handleIn). */
export function error(response: unknown = {}): ErrorResult {
  return { type: "error", response };
}

/** Reply with any status, e.g. `reply("ok", { id: 1 })`. */
export function reply(status: string, response: unknown = {}): ReplyResult {
  return { type: "reply", status, response };
}

/** No reply now (perhaps later, from `socket.socketRef()`). */
export function noreply(): NoReplyResult {
  return NO_REPLY;
}
const NO_REPLY: NoReplyResult = Object.freeze({ type: "noreply" });

/**
 * Stop the channel: optional reply first, then `terminate(reason)`, then the client
 * gets `phx_close`. The socket and its other channels live on.
 */
export function stop(reason = "normal", replyWith?: { status: string; response: unknown }): StopResult {
  return { type: "stop", reason, reply: replyWith };
}

/** Refuse a connection with an HTTP status (default 403). */
export function refuse(reason: string, status = 403): RefuseResult {
  return { type: "refuse", status, reason };
}
