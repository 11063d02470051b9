import { request } from "node:http";
import { ANSWER_TIMEOUT_MS } from "./answer-timeout.js";

/** An HTTP answer: status, headers and the body as text. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/**
 * One HTTP request on a fresh connection (no keep-alive, so no socket outlives
 * it). Rejects when no complete answer arrives within `timeoutMs`: for a fuzz
 * target that is a hang.
 */
export function httpRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; timeoutMs?: number } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const timeoutMs = init.timeoutMs ?? ANSWER_TIMEOUT_MS;
    const req = request(url, { method: init.method ?? "GET", headers: { connection: "close", ...init.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") });
      });
      res.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms: ${init.method ?? "GET"} ${url.slice(0, 200)}`));
    }, timeoutMs);
    req.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(init.body);
  });
}

/** `POST /fixture/broadcast` on the fixture server. */
export async function fixtureBroadcast(baseUrl: string, topic: string, event: string, payload: unknown): Promise<void> {
  const reply = await httpRequest(`${baseUrl}/fixture/broadcast`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ topic, event, payload }),
  });
  if (reply.status !== 200) throw new Error(`fixture broadcast answered ${reply.status}: ${reply.text}`);
}
