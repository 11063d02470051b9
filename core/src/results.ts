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
export interface OkResult {
  readonly type: "ok";
  readonly response: unknown;
}
export interface ErrorResult {
  readonly type: "error";
  readonly response: unknown;
}
export interface ReplyResult {
  readonly type: "reply";
  readonly status: string;
  readonly response: unknown;
}
export interface NoReplyResult {
  readonly type: "noreply";
}
export interface StopResult {
  readonly type: "stop";
  readonly reason: string;
  readonly reply: { readonly status: string; readonly response: unknown } | undefined;
}
export interface RefuseResult {
  readonly type: "refuse";
  readonly status: number;
  readonly reason: string;
}

export type ConnectResult = boolean | undefined | OkResult | ErrorResult | RefuseResult;
export type JoinResult = true | undefined | OkResult | ErrorResult;
// biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing (typed `void`) must be accepted
export type InResult = void | undefined | OkResult | ErrorResult | ReplyResult | NoReplyResult | StopResult;
// biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing (typed `void`) must be accepted
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

// Reading results: the only place that looks inside one.

/** A value or a promise of one, as every callback may return. */
export type Maybe<T> = T | Promise<T>;

interface Thenable {
  then(onOk: (v: unknown) => void, onErr: (e: unknown) => void): unknown;
}

/** True for a promise (any thenable) a callback returned. */
export function isThenable(value: unknown): value is Thenable {
  return value !== null && typeof value === "object" && typeof (value as Thenable).then === "function";
}

/** How a `connect` result reads: accept, or refuse with an HTTP status and a reason. */
export type ConnectVerdict = { readonly accept: true } | { readonly accept: false; readonly status: number; readonly reason: string };

/**
 * Reads what `connect` returned: `true`, `undefined` and `ok()` accept;
 * `refuse(reason, status)` refuses with its status; `error(reason)` refuses
 * with 403 and the reason when it is a string; anything else refuses with 403.
 */
export function readConnectResult(result: unknown): ConnectVerdict {
  if (result === true || result === undefined) return { accept: true };
  const r = asResult(result);
  if (r?.type === "ok") return { accept: true };
  if (r?.type === "refuse") return { accept: false, status: r.status, reason: r.reason };
  const reason = r?.type === "error" ? r.response : undefined;
  return { accept: false, status: 403, reason: typeof reason === "string" ? reason : "connection refused" };
}

/** How a `join` result reads: joined or refused, with the response for the client. */
export interface JoinVerdict {
  readonly joined: boolean;
  readonly response: unknown;
}

/**
 * Reads what `join` returned: `true`/`undefined` join with `{}`, `false` refuses
 * with `{}`, `ok(r)` joins and `error(r)` refuses with `r`. Undefined for
 * anything else (a bad result).
 */
export function readJoinResult(result: unknown): JoinVerdict | undefined {
  if (result === true || result === undefined) return { joined: true, response: {} };
  if (result === false) return { joined: false, response: {} };
  const r = asResult(result);
  if (r?.type === "ok") return { joined: true, response: r.response };
  if (r?.type === "error") return { joined: false, response: r.response };
  return undefined;
}

/** How a `handleIn` / `handleOut` / `handleInfo` result reads. */
export type CallbackVerdict =
  | { readonly kind: "none" }
  | { readonly kind: "reply"; readonly status: string; readonly response: unknown }
  | { readonly kind: "stop"; readonly reason: string; readonly reply: { readonly status: string; readonly response: unknown } | undefined };

/**
 * Reads what a channel callback returned. `replies`: whether the callback
 * answers a client message (`handleIn`), so that `ok`/`error`/`reply` and a
 * `stop` reply mean something. Undefined for a bad result.
 */
export function readCallbackResult(result: unknown, replies: boolean): CallbackVerdict | undefined {
  if (result === undefined) return NONE;
  const r = asResult(result);
  switch (r?.type) {
    case "noreply":
      return NONE;
    case "stop":
      return { kind: "stop", reason: r.reason, reply: replies ? r.reply : undefined };
    case "ok":
    case "error":
      return replies ? { kind: "reply", status: r.type, response: r.response } : undefined;
    case "reply":
      return replies ? { kind: "reply", status: r.status, response: r.response } : undefined;
    default:
      return undefined;
  }
}
const NONE: CallbackVerdict = Object.freeze({ kind: "none" });

/** A result for an error message: its JSON, or its string form. */
export function describeResult(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

type AnyResult = OkResult | ErrorResult | ReplyResult | NoReplyResult | StopResult | RefuseResult;
const TYPES: ReadonlySet<string> = new Set(["ok", "error", "reply", "noreply", "stop", "refuse"]);

/** The result built by one of the functions above, or undefined. */
function asResult(value: unknown): AnyResult | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" && TYPES.has(type) ? (value as AnyResult) : undefined;
}
