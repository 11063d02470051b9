import { httpRequest } from "./http-json.js";
import { ANSWER_TIMEOUT_MS } from "./answer-timeout.js";

/** A LongPoll answer: the HTTP status and the JSON body's `status` (undefined when the body is not JSON). */
export interface LongPollAnswer {
  readonly httpStatus: number;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly token: string | undefined;
  readonly messages: readonly string[];
}

/** Where a POST carries its session token. */
export type TokenPlacement = "query" | "header" | "both" | "none";

function parse(httpStatus: number, text: string): LongPollAnswer {
  let body: { status?: unknown; code?: unknown; token?: unknown; messages?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON: status stays undefined */
  }
  return {
    httpStatus,
    status: typeof body.status === "number" ? body.status : undefined,
    code: typeof body.code === "string" ? body.code : undefined,
    token: typeof body.token === "string" ? body.token : undefined,
    messages: Array.isArray(body.messages) ? body.messages.filter((m): m is string => typeof m === "string") : [],
  };
}

/** Opens a LongPoll session at `<base>/socket/longpoll` (the answer is status 410 with a token). */
export async function longPollOpen(base: string, query: string): Promise<LongPollAnswer> {
  const reply = await httpRequest(`${base}/socket/longpoll?${query}`);
  return parse(reply.status, reply.text);
}

/** POSTs `body` with `token` placed as asked. */
export async function longPollPost(
  base: string,
  token: string,
  placement: TokenPlacement,
  body: string | Uint8Array,
  contentType: string | undefined,
): Promise<LongPollAnswer> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers["content-type"] = contentType;
  if (placement === "header" || placement === "both") headers["x-phoenix-longpoll-token"] = token;
  const query = placement === "query" || placement === "both" ? `?token=${encodeURIComponent(token)}` : "";
  const reply = await httpRequest(`${base}/socket/longpoll${query}`, { method: "POST", headers, body, timeoutMs: ANSWER_TIMEOUT_MS });
  return parse(reply.status, reply.text);
}

/**
 * Polls until a message passes `wanted` (resolves "served") or the session is
 * gone (status 410: resolves "ended"). Each poll returns as soon as messages are
 * buffered, so a live session answers at once; rejects after `timeoutMs`.
 */
export async function longPollUntil(
  base: string,
  token: string,
  wanted: (message: string) => boolean,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<"served" | "ended"> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const reply = await httpRequest(`${base}/socket/longpoll?token=${encodeURIComponent(token)}`, { timeoutMs: Math.max(1, deadline - performance.now()) });
    const answer = parse(reply.status, reply.text);
    if (answer.status === 410) return "ended";
    if (answer.messages.some(wanted)) return "served";
    if (answer.status !== 200 && answer.status !== 204) throw new Error(`poll answered HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
  }
  throw new Error(`the session neither served the probe nor ended within ${timeoutMs} ms`);
}
