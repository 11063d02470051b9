/**
 * The TCP transport's wire format, shared by the server and the test driver.
 * Everything is one UTF-8 line ending in `\n`:
 *
 * ```text
 * client: {"path":"/socket/tcp","params":{"vsn":"2.0.0"}}     handshake, JSON
 * server: {"ok":true}                                         or {"ok":false,"status":403,"code":"ERR_REFUSED","reason":"..."}
 * either: T"[null,\"1\",\"phoenix\",\"heartbeat\",{}]"        text frame, the text as a JSON string
 * either: BAAECAw==                                           binary frame, base64
 * either: C1001 idle timeout                                  close: code, space, reason; then the socket ends
 * ```
 */
import type { Frame } from "@fawkes/core";

/** The client's first line. */
export interface Handshake {
  /** `<mount>/<name>`, e.g. `/socket/tcp`. */
  readonly path: string;
  /** Query parameters, `vsn` included. Keys may use Rails-style nesting (`user[id]`). */
  readonly params: Readonly<Record<string, string>>;
  readonly authToken?: string;
  /** Request headers as an HTTP client would send them (`origin`, `user-agent`, `x-*`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The server's answer to a handshake. After a refusal the server ends the socket. */
export type HandshakeAnswer = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly code: string; readonly reason?: string };

/** One line after the handshake, read. */
export type WireLine =
  | { readonly kind: "frame"; readonly frame: Frame }
  | { readonly kind: "close"; readonly code: number; readonly reason: string }
  /** Not a line of this format: close with `code` (1002 protocol error, 1007 bad UTF-8). */
  | { readonly kind: "invalid"; readonly code: number; readonly problem: string };

/** WebSocket-equivalent close codes this format uses besides the core's. */
export const WireCloseCode = { ProtocolError: 1002, Abnormal: 1006 } as const;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CLOSE = /^C(\d{4})(?: ([\s\S]*))?$/;

/** The line for `frame`, `\n` included. */
export function encodeFrame(frame: Frame): string {
  if (frame.opcode === "text") return `T${JSON.stringify(frame.data)}\n`;
  return `B${Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength).toString("base64")}\n`;
}

/** The close line, `\n` included. Line breaks in `reason` become spaces. */
export function encodeClose(code: number, reason: string): string {
  return `C${code} ${reason.replace(/[\r\n]+/g, " ")}\n`;
}

/** Reads one line after the handshake. Never throws. */
export function decodeLine(bytes: Uint8Array): WireLine {
  const line = decodeUtf8(bytes);
  if (line === undefined) return { kind: "invalid", code: 1007, problem: "line is not UTF-8" };
  const body = line.slice(1);
  switch (line[0]) {
    case "T": {
      const text = parseJson(body);
      return typeof text === "string"
        ? { kind: "frame", frame: { opcode: "text", data: text } }
        : { kind: "invalid", code: WireCloseCode.ProtocolError, problem: "a T line must hold one JSON string" };
    }
    case "B":
      return BASE64.test(body)
        ? { kind: "frame", frame: { opcode: "binary", data: Buffer.from(body, "base64") } }
        : { kind: "invalid", code: WireCloseCode.ProtocolError, problem: "a B line must hold base64" };
    case "C": {
      const m = CLOSE.exec(line);
      return m === null
        ? { kind: "invalid", code: WireCloseCode.ProtocolError, problem: "a C line must be C<4-digit code> <reason>" }
        : { kind: "close", code: Number(m[1]), reason: m[2] ?? "" };
    }
    default:
      return { kind: "invalid", code: WireCloseCode.ProtocolError, problem: "a line must start with T, B or C" };
  }
}

/** Reads the handshake line: the handshake, or what is wrong with it. Never throws. */
export function decodeHandshake(bytes: Uint8Array): Handshake | { readonly problem: string } {
  const value = parseJson(decodeUtf8(bytes) ?? "");
  if (!isRecord(value)) return { problem: "the handshake must be a JSON object" };
  const { path, params, authToken, headers } = value;
  if (typeof path !== "string") return { problem: "handshake.path must be a string" };
  if (!isStringRecord(params)) return { problem: "handshake.params must be an object of strings" };
  if (authToken !== undefined && typeof authToken !== "string") return { problem: "handshake.authToken must be a string" };
  if (headers !== undefined && !isStringRecord(headers)) return { problem: "handshake.headers must be an object of strings" };
  return { path, params, ...(authToken === undefined ? {} : { authToken }), ...(headers === undefined ? {} : { headers }) };
}

/** Reads the server's answer line; `undefined` if it is not one. Never throws. */
export function decodeAnswer(bytes: Uint8Array): HandshakeAnswer | undefined {
  const value = parseJson(decodeUtf8(bytes) ?? "");
  if (!isRecord(value)) return undefined;
  if (value.ok === true) return { ok: true };
  if (value.ok !== false || typeof value.status !== "number" || typeof value.code !== "string") return undefined;
  return { ok: false, status: value.status, code: value.code, ...(typeof value.reason === "string" ? { reason: value.reason } : {}) };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}
