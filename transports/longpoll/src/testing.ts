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
import { FawkesError } from "@fawkes/core";
import { FrameInbox, type ClientConnection, type ClientDriver, type Frame } from "@fawkes/core/testing";
import { MAX_BATCH_LINES } from "./options.js";

// The driver contract lives in core; re-exported for convenience.
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core/testing";

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
        try {
          parsed = text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          parsed = undefined;
        }
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
  private readonly inbox = new FrameInbox();
  private outbox: Frame[] = [];
  private sending = false;
  private ended = false;
  /** Set while reading is paused: the poll loop waits on it. */
  private paused: { promise: Promise<void>; resume(): void } | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
    private readonly headers: Record<string, string>,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
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

  /**
   * Every frame in one ndjson POST (at most 100; V2 text frames and binary
   * frames only, since a V1 frame travels alone as the whole body). Throws
   * `ERR_BATCH_UNSUPPORTED` otherwise.
   */
  sendBatch(frames: readonly Frame[]): void {
    if (frames.length > MAX_BATCH_LINES || frames.some((f) => f.opcode === "text" && !f.data.startsWith("["))) {
      throw new FawkesError("ERR_BATCH_UNSUPPORTED", `one ndjson POST carries at most ${MAX_BATCH_LINES} V2 text or binary frames`);
    }
    for (const frame of frames) this.send(frame); // queued in the same tick: the send loop takes them in one POST
  }

  /** Stops polling once the poll in flight returns: the session's output queues on the server. */
  pauseReading(): void {
    if (this.paused !== undefined) return;
    let resume!: () => void;
    const promise = new Promise<void>((resolve) => {
      resume = resolve;
    });
    this.paused = { promise, resume };
  }

  resumeReading(): void {
    const paused = this.paused;
    this.paused = undefined;
    paused?.resume();
  }

  receive(timeoutMs = 2000): Promise<Frame> {
    return this.inbox.receive(timeoutMs);
  }

  async close(): Promise<void> {
    this.end("client closed");
    await this.closed;
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    this.resumeReading();
    this.inbox.end(`session ended (${reason})`);
    this.resolveClosed({ code: undefined, reason });
  }

  private requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: "application/json", ...this.headers, "x-phoenix-longpoll-token": this.token, ...extra };
  }

  private async pollLoop(): Promise<void> {
    while (!this.ended) {
      if (this.paused !== undefined) {
        await this.paused.promise;
        continue;
      }
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
        if (Array.isArray(messages)) for (const m of messages) if (typeof m === "string") this.inbox.push({ opcode: "text", data: m });
      } else if (status === 410) {
        this.end("session_gone");
      } else if (status !== 204) {
        this.end(`poll status ${String(status ?? answer.httpStatus)}`);
      }
    }
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
  // V1 frames travel one per POST, so only other serializers' frames can be batched.
  supports: { sendBatch: (vsn) => !vsn.startsWith("1."), pauseReading: true },
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
