import { randomBytes } from "node:crypto";
import { httpRequest } from "./http-json.js";
import { ANSWER_TIMEOUT_MS } from "./answer-timeout.js";

/**
 * SockJS frames from the server: `o` (open), `h` (heartbeat), `a[...]` (messages),
 * `c[code,"reason"]` (close). Returns the messages of an `a` frame, the close of a
 * `c` frame, or nothing for the others.
 */
export function readSockJSFrame(frame: string): { messages: string[] } | { close: { code: number; reason: string } } | undefined {
  const kind = frame[0];
  if (kind === "a") {
    const parsed = JSON.parse(frame.slice(1)) as unknown[];
    return { messages: parsed.filter((m): m is string => typeof m === "string") };
  }
  if (kind === "c") {
    const [code, reason] = JSON.parse(frame.slice(1)) as [number, string];
    return { close: { code, reason } };
  }
  return undefined;
}

/** A SockJS session over the xhr-polling sub-transport, driven by hand. */
export class SockJSXhrSession {
  readonly root: string;

  constructor(base: string, query: string) {
    this.root = `${base}/socket/sockjs/${randomBytes(2).toString("hex")}/${randomBytes(8).toString("hex")}`;
    this.query = query;
  }

  private readonly query: string;

  /** Opens the session and waits for the Fawkes ack. False when it closed instead. */
  async open(): Promise<boolean> {
    const first = await httpRequest(`${this.root}/xhr?${this.query}`, { method: "POST" });
    if (first.status !== 200 || !first.text.startsWith("o")) throw new Error(`xhr open answered ${first.status} ${first.text.slice(0, 100)}`);
    const outcome = await this.pollUntil((m) => m === "fawkes:open");
    return outcome === "served";
  }

  /** POSTs a raw `xhr_send` body; resolves with the HTTP status and body. */
  async send(body: string | Uint8Array, contentType = "text/plain"): Promise<{ status: number; text: string }> {
    const reply = await httpRequest(`${this.root}/xhr_send`, { method: "POST", headers: { "content-type": contentType }, body, timeoutMs: ANSWER_TIMEOUT_MS });
    return { status: reply.status, text: reply.text };
  }

  /**
   * Polls until a message passes `wanted` ("served") or a close frame arrives
   * ({code, reason}). Each poll returns as soon as frames are queued; rejects
   * after `timeoutMs` (sockjs would only send a heartbeat after 25 s).
   */
  async pollUntil(wanted: (message: string) => boolean, timeoutMs = ANSWER_TIMEOUT_MS): Promise<"served" | { code: number; reason: string }> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const reply = await httpRequest(`${this.root}/xhr`, { method: "POST", timeoutMs: Math.max(1, deadline - performance.now()) });
      if (reply.status === 404) return { code: 0, reason: "session unknown (404)" };
      if (reply.status !== 200) throw new Error(`xhr poll answered ${reply.status} ${reply.text.slice(0, 200)}`);
      for (const line of reply.text.split("\n").filter((l) => l !== "")) {
        const frame = readSockJSFrame(line);
        if (frame === undefined) continue;
        if ("close" in frame) return frame.close;
        if (frame.messages.some(wanted)) return "served";
      }
    }
    throw new Error(`the sockjs session neither served the probe nor closed within ${timeoutMs} ms`);
  }
}
