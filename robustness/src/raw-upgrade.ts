import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { ANSWER_TIMEOUT_MS } from "./answer-timeout.js";

/** The answer to a hand-made upgrade request: 101 (with the chosen subprotocol) or an HTTP status. */
export interface UpgradeAnswer {
  readonly status: number;
  readonly protocol: string | undefined;
}

/**
 * Sends a WebSocket upgrade request with exactly the headers given (no client
 * library validates them first, so garbage reaches the server as written) and
 * resolves with the status. A 101 socket is destroyed at once. Rejects when no
 * answer arrives within `timeoutMs`.
 */
export function rawUpgrade(url: string, headers: Record<string, string>, timeoutMs = ANSWER_TIMEOUT_MS): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      agent: false,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
        ...headers,
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no upgrade answer within ${timeoutMs} ms: ${url.slice(0, 200)}`));
    }, timeoutMs);
    req.once("upgrade", (res, socket) => {
      clearTimeout(timer);
      socket.destroy();
      const protocol = res.headers["sec-websocket-protocol"];
      resolve({ status: res.statusCode ?? 0, protocol: typeof protocol === "string" ? protocol : undefined });
    });
    req.once("response", (res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ status: res.statusCode ?? 0, protocol: undefined });
    });
    req.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
