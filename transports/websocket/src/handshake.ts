import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ConnectRefusal } from "@fawkes/core";

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Why an upgrade request is not a WebSocket handshake we can answer, or undefined
 * when it is one. Checked before the user's `connect` runs, so garbage never
 * reaches it; every failure is answered with 400.
 */
export function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== "GET") return "the handshake must be a GET";
  const upgrade = req.headers.upgrade;
  if (upgrade === undefined || upgrade.toLowerCase() !== "websocket") return "missing or invalid Upgrade header";
  const key = req.headers["sec-websocket-key"];
  if (key === undefined || !KEY.test(key)) return "missing or invalid Sec-WebSocket-Key header";
  const version = req.headers["sec-websocket-version"];
  if (version !== "13" && version !== "8") return "missing or invalid Sec-WebSocket-Version header";
  return undefined;
}

/**
 * Answers an upgrade with a plain HTTP error and ends the socket. Safe on a socket
 * that already closed. The body is `text` on one line.
 */
export function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${text.replace(/[\r\n]+/g, " ").slice(0, 200)}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

/**
 * The HTTP answer to a refused connection: its status (403 when the core gave
 * none in 400-599) and, for a temporary refusal (admission control: 503), a
 * `Retry-After` header with the core's hint in seconds.
 */
export function refusalAnswer(refusal: ConnectRefusal): { status: number; headers: Record<string, string> } {
  const status = refusal.status >= 400 && refusal.status <= 599 ? refusal.status : 403;
  const after = refusal.retryAfter;
  const headers: Record<string, string> = after !== undefined && Number.isFinite(after) && after > 0 ? { "Retry-After": String(Math.ceil(after)) } : {};
  return { status, headers };
}
