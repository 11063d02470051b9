/**
 * `@fawkes/longpoll/testing`: a LongPoll client driver for `@fawkes/conformance`
 * (and any test that wants to speak the LongPoll protocol directly over HTTP).
 * It speaks the protocol as the official client does: one GET to open, a poll
 * loop, ndjson POST batches of at most 100 lines.
 *
 * ```ts
 * import { longPollClientDriver } from "@fawkes/longpoll/testing";
 * const outcome = await longPollClientDriver.connect({ url: "http://127.0.0.1:4100", path: "/socket/longpoll", params: { vsn: "2.0.0" } });
 * ```
 */
import { request, type IncomingHttpHeaders } from "node:http";
import type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver, Frame } from "@fawkes/core";
import { MAX_BATCH_LINES } from "./options.js";

// The driver contract lives in core; re-exported for convenience.
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core";

/** An HTTP exchange's result: HTTP status and the parsed JSON body (undefined if none). */
export interface HttpAnswer {
  readonly httpStatus: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown> | undefined;
}

/**
 * One HTTP request with a JSON answer. Resolves with the answer, or rejects when
 * the request fails or `signal` aborts it.
 */
export function httpJson(method: string, url: string, headers: Record<string, string> = {}, body?: string | Buffer, signal?: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("error", reject);
      res.once("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: Record<string, unknown> | undefined;
        try { parsed = text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>); } catch { parsed = undefined; }
        resolve({ httpStatus: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.once("error", reject);
    req.end(body);
  });
}

class LongPollClientConnection implements ClientConnection {
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  private resolveClosed!: (info: { code: number | undefined; reason: string }) => void;
  private readonly inbox: Frame[] = [];
  private readonly readers: ((frame: Frame) => void)[] = [];
  private outbox: Frame[] = [];
  private sending = false;
  private ended = false;
  private readonly abort = new AbortController();

  constructor(private readonly endpoint: string, private readonly token: string, private readonly headers: Record<string, string>) {
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
    void this.pollLoop();
  }

  send(frame: Frame): void {
    if (this.ended) return;
    this.outbox.push(frame);
    if (!this.sending) {
      this.sending = true;
      setImmediate(() => void this.sendLoop());
    }
  }

  receive(timeoutMs = 2000): Promise<Frame> {
    const ready = this.inbox.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const reader = (frame: Frame): void => { clearTimeout(timer); resolve(frame); };
      const timer = setTimeout(() => {
        const i = this.readers.indexOf(reader);
        if (i !== -1) this.readers.splice(i, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.readers.push(reader);
    });
  }

  async close(): Promise<void> {
    this.end("client closed");
    await this.closed;
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    this.resolveClosed({ code: undefined, reason });
  }

  private requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: "application/json", ...this.headers, "x-phoenix-longpoll-token": this.token, ...extra };
  }

  private async pollLoop(): Promise<void> {
    while (!this.ended) {
      let answer: HttpAnswer;
      try {
        answer = await httpJson("GET", this.endpoint, this.requestHeaders(), undefined, this.abort.signal);
      } catch {
        this.end("network error");
        return;
      }
      const status = answer.body?.status;
      if (status === 200) {
        const messages = answer.body?.messages;
        if (Array.isArray(messages)) for (const m of messages) if (typeof m === "string") this.arrive({ opcode: "text", data: m });
      } else if (status === 410) {
        this.end("session_gone");
      } else if (status !== 204) {
        this.end(`poll status ${String(status ?? answer.httpStatus)}`);
      }
    }
  }

  private arrive(frame: Frame): void {
    const reader = this.readers.shift();
    if (reader !== undefined) reader(frame);
    else this.inbox.push(frame);
  }

  private async sendLoop(): Promise<void> {
    while (!this.ended && this.outbox.length > 0) {
      const { body, contentType, count } = nextBatch(this.outbox);
      this.outbox = this.outbox.slice(count);
      let answer: HttpAnswer;
      try {
        answer = await httpJson("POST", this.endpoint, this.requestHeaders({ "content-type": contentType }), body, this.abort.signal);
      } catch {
        this.end("network error");
        break;
      }
      if (answer.body?.status !== 200) this.end(`post status ${String(answer.body?.status ?? answer.httpStatus)}`);
    }
    this.sending = false;
  }
}

/** The next POST from the head of `outbox`: an ndjson batch, or one V1 text frame alone. */
function nextBatch(outbox: readonly Frame[]): { body: string; contentType: string; count: number } {
  const first = outbox[0]!;
  if (first.opcode === "text" && !first.data.startsWith("[")) {
    return { body: first.data, contentType: "application/json", count: 1 };
  }
  const lines: string[] = [];
  for (const frame of outbox) {
    if (lines.length === MAX_BATCH_LINES) break;
    if (frame.opcode === "text") {
      if (!frame.data.startsWith("[")) break;
      lines.push(frame.data);
    } else {
      lines.push(Buffer.from(frame.data).toString("base64"));
    }
  }
  return { body: lines.join("\n"), contentType: "application/x-ndjson", count: lines.length };
}

/** Opens LongPoll sessions over HTTP, as the official client does. */
export const longPollClientDriver: ClientDriver = {
  async connect(options) {
    const endpoint = new URL(options.path, options.url);
    const query = new URLSearchParams(options.params);
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.authToken !== undefined) headers["x-phoenix-authtoken"] = options.authToken;
    const answer = await httpJson("GET", `${endpoint.href}?${query.toString()}`, headers);
    const status = answer.body?.status;
    const token = answer.body?.token;
    if (status === 410 && typeof token === "string") {
      // Later requests carry the token in a header; the params only matter at connect.
      return { ok: true, connection: new LongPollClientConnection(endpoint.href, token, options.headers ?? {}) };
    }
    return { ok: false, status: typeof status === "number" ? status : answer.httpStatus };
  },
};
