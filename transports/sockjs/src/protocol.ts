/**
 * The small handshake Fawkes adds on top of a SockJS session, shared by the
 * server transport, the client adapter and the test driver. Browser-safe.
 *
 * A SockJS server opens its session (`o` frame) before any application code
 * can run, and SockJS clients cannot send headers. So:
 *
 * 1. The client puts its connect params in the SockJS URL query, as Phoenix
 *    does for WebSocket (`/socket/sockjs?vsn=2.0.0&user_id=1`).
 * 2. With an auth token, the client adds `_auth=1` to that query and sends the
 *    token, verbatim, as its first SockJS message. The token never appears in
 *    a URL (access logs, `Referer`).
 * 3. The server runs the core's connect (origin, vsn, the user's `connect`) and
 *    answers with exactly one of:
 *    - the message {@link OPEN_ACK}: accepted; Phoenix frames follow;
 *    - a SockJS close with code `4000 + HTTP status` (e.g. 4403) and the
 *      reason: refused.
 *
 * Clients must not report "open" before the ack: the official client resets its
 * reconnect back-off on open, so a refusal seen after an open would make it
 * reconnect every few milliseconds.
 */

/** The first server message of an accepted connection. Never a Phoenix frame. */
export const OPEN_ACK = "fawkes:open";

/** Query parameter announcing that the first client message is the auth token. */
export const AUTH_PARAM = "_auth";

/** Close codes the SockJS transport uses besides the core's WebSocket codes. */
export const SockJSCloseCode = {
  /** A refusal is `RefusalBase + status`: 4403 forbidden, 4500 connect crashed. */
  RefusalBase: 4000,
  /** `_auth=1` was given but no token message arrived in time (4000 + 408). */
  AuthTimeout: 4408,
} as const;

/**
 * The close code that carries a refusal with HTTP `status`. Statuses outside
 * 400-599 become 4403 so the code stays in the application range.
 */
export function refusalCloseCode(status: number): number {
  const s = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 403;
  return SockJSCloseCode.RefusalBase + s;
}

/** The HTTP status a refusal close code carries, or undefined if it is not one. */
export function refusalStatus(code: number | undefined): number | undefined {
  if (code === undefined || code < SockJSCloseCode.RefusalBase + 400 || code > SockJSCloseCode.RefusalBase + 599) return undefined;
  return code - SockJSCloseCode.RefusalBase;
}
