import type { IncomingMessage, ServerResponse } from "node:http";
import { guarded, type Logger } from "@fawkes/core";

/** Request headers a LongPoll client may send cross-origin. */
const ALLOW_HEADERS = "accept, content-type, x-phoenix-longpoll-token, x-phoenix-authtoken";

/**
 * CORS headers for every answer. The origin is echoed rather than `*`: a new
 * session only opens after the socket's origin check, and a token is only
 * accepted from the origin it was minted for, so every origin that can read an
 * answer has passed the check.
 */
export function setCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader("access-control-allow-origin", typeof origin === "string" && origin !== "" ? origin : "*");
  res.setHeader("vary", "origin");
}

/** Answer a CORS preflight. */
export function answerPreflight(res: ServerResponse): void {
  res.writeHead(200, {
    "access-control-allow-headers": ALLOW_HEADERS,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-max-age": "3600",
    "content-length": "0",
  });
  res.end();
}

/** A LongPoll answer: the protocol status lives in the JSON body. */
export function sendJson(res: ServerResponse, body: Record<string, unknown>, httpStatus = 200, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, {
    "content-type": "application/json; charset=utf-8",
    // With the token in a header every poll URL looks the same: never cache.
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: "too_large" | "aborted" };

/**
 * Reads a request body of at most `limit` bytes. Past the limit it stops
 * keeping data (the rest is discarded as it arrives) and resolves `too_large`
 * at once, so an oversize body is never held in memory. Its listeners are
 * guarded: a throw in one is logged and the read resolves `aborted`.
 */
export function readBody(req: IncomingMessage, limit: number, log: Logger): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve({ ok: false, reason: "too_large" });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(result);
    };
    const guard = <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
      guarded(log, `longpoll body ${what}`, fn, () => {
        chunks.length = 0;
        req.resume();
        finish({ ok: false, reason: "aborted" });
      });
    const onData = guard("data", (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.resume(); // keep draining without keeping anything
        finish({ ok: false, reason: "too_large" });
        return;
      }
      chunks.push(chunk);
    });
    req.on("data", onData);
    req.once(
      "end",
      guard("end", () => finish({ ok: true, body: Buffer.concat(chunks, size) })),
    );
    req.once(
      "error",
      guard("error", () => finish({ ok: false, reason: "aborted" })),
    );
    req.once(
      "close",
      guard("close", () => {
        if (!req.complete) finish({ ok: false, reason: "aborted" });
      }),
    );
  });
}
