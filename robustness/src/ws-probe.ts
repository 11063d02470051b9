import { WebSocket } from "ws";
import { ANSWER_TIMEOUT_MS } from "./answer-timeout.js";

/** How a hostile WebSocket connection ended up. Anything but `hang` is an answer. */
export type WsOutcome =
  | { readonly kind: "refused"; readonly status: number }
  | { readonly kind: "closed"; readonly code: number; readonly reason: string }
  | { readonly kind: "alive" };

/** One raw WebSocket message: text (a string, or bytes sent with the text opcode) or binary. */
export type RawMessage = { readonly text: string | Uint8Array } | { readonly binary: Uint8Array };

/** Options of {@link wsProbe}. */
export interface WsProbeOptions {
  readonly headers?: Record<string, string>;
  /** Sent right after the connection opens (or after `awaitFirst` matched). */
  readonly messages: readonly RawMessage[];
  /** Sent after `messages`; the server's answer to it proves the connection is served. */
  readonly liveness?: RawMessage;
  /** True for the server message that answers `liveness`. */
  readonly isAlive: (data: Buffer, isBinary: boolean) => boolean;
  /** A server message that means "closed" inside the protocol (a SockJS `c[code,reason]` frame). */
  readonly closeFrom?: (data: Buffer, isBinary: boolean) => { code: number; reason: string } | undefined;
  /** When set, nothing is sent before a server message passes this test (e.g. the SockJS open frame). */
  readonly awaitFirst?: (data: Buffer, isBinary: boolean) => boolean;
  /** Longest wait for an answer, ms. Default {@link ANSWER_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/**
 * Opens a WebSocket, sends hostile `messages`, then `liveness`, and resolves with
 * the first answer: an HTTP refusal, a close (code and reason), or the liveness
 * reply. Rejects when none arrives within the timeout: the server hung.
 */
export function wsProbe(url: string, options: WsProbeOptions): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: options.headers ?? {}, maxPayload: 64 * 1024 * 1024 });
    let settled = false;
    const settle = (outcome: WsOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      setTimeout(() => ws.terminate(), 1000).unref();
    };
    const timer = setTimeout(
      () => settle(new Error(`no answer within ${options.timeoutMs ?? ANSWER_TIMEOUT_MS} ms from ${url.slice(0, 200)}`)),
      options.timeoutMs ?? ANSWER_TIMEOUT_MS,
    );
    const sendAll = (): void => {
      for (const m of options.messages) send(ws, m);
      if (options.liveness !== undefined) send(ws, options.liveness);
    };
    let waitingFirst = options.awaitFirst !== undefined;
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      settle({ kind: "refused", status: res.statusCode ?? 0 });
    });
    ws.on("open", () => {
      if (!waitingFirst) sendAll();
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (waitingFirst) {
        if (options.awaitFirst!(data, isBinary)) {
          waitingFirst = false;
          sendAll();
        }
        return;
      }
      if (options.isAlive(data, isBinary)) {
        settle({ kind: "alive" });
        return;
      }
      const closed = options.closeFrom?.(data, isBinary);
      if (closed !== undefined) settle({ kind: "closed", ...closed });
    });
    ws.on("close", (code: number, reason: Buffer) => settle({ kind: "closed", code, reason: reason.toString("utf8") }));
    ws.on("error", () => {
      /* a close event follows */
    });
  });
}

function send(ws: WebSocket, m: RawMessage): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if ("binary" in m) ws.send(m.binary, { binary: true });
  else ws.send(m.text, { binary: false });
}
