/**
 * The one table between the core's WebSocket close codes and the codes a
 * SockJS session carries on the wire. Browser-safe (the client adapter uses it).
 *
 * Why: the raw WebSocket endpoint closes through faye-websocket, whose
 * `close()` throws for any code but 1000 and 3000-4999 (the browser WebSocket
 * API rule), and sockjs-client's own `close()` has the same rule. So every code
 * the core uses in 1001-2999 travels shifted into the 3000 range, the same on
 * every sub-transport (framed close frames `c[code, reason]` included), so a
 * client reads one table whatever sub-transport it got:
 *
 * | core | wire | meaning |
 * |---|---|---|
 * | 1000 | 1000 | normal, do not reconnect |
 * | 1001-1999 | 3001-3999 (code + 2000) | 1001 going away, 1007 malformed, 1008 policy / slow consumer, 1011 error, 1012 restart |
 * | 3000-4999 | unchanged | 4000 + status refusals, 4408 auth timeout |
 * | anything else | 3011 | (never produced by the core) |
 *
 * Wire 3000 is left alone on the way back: sockjs itself closes with 3000
 * ("Go away!", "Broken framing") and that must not read as a normal 1000.
 */

/** Added to a core code in 1001-1999 to put it where faye-websocket accepts it. */
export const WIRE_CLOSE_OFFSET = 2000;

/** The code sent on the wire for the core's close `code`. Never throws. */
export function wireCloseCode(code: number): number {
  if (!Number.isInteger(code)) return 1011 + WIRE_CLOSE_OFFSET;
  if (code === 1000 || (code >= 3000 && code <= 4999)) return code;
  if (code > 1000 && code < 2000) return code + WIRE_CLOSE_OFFSET;
  return 1011 + WIRE_CLOSE_OFFSET;
}

/**
 * The core's code for a close `code` read from the wire (what the Phoenix
 * client should see: 1001, 1012, ...). Codes outside 3001-3999 are returned as
 * they are, so it is safe on codes that were never shifted.
 */
export function coreCloseCode(code: number): number {
  return Number.isInteger(code) && code > 3000 && code < 4000 ? code - WIRE_CLOSE_OFFSET : code;
}
