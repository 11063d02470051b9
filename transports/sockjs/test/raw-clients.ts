/**
 * Bare clients for each sockjs sub-transport, speaking the SockJS wire by hand
 * so tests can send what no well-behaved client sends (several messages in one
 * frame, malformed frames) and read close codes exactly as they travel.
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { WebSocket } from "ws";

export type SubTransport = "raw-websocket" | "websocket" | "xhr-streaming" | "xhr-polling";
export const SUB_TRANSPORTS: readonly SubTransport[] = ["raw-websocket", "websocket", "xhr-streaming", "xhr-polling"];

export type WireEvent = { readonly kind: "message"; readonly data: string } | { readonly kind: "close"; readonly code: number; readonly reason: string };

/** One bare client: the messages and the close it saw, in order. */
export interface RawClient {
  /** The SockJS session id in the URL (unused by the raw WebSocket). */
  readonly session: string;
  /** Next message or close; rejects after `timeoutMs` (default 5000) or once closed and drained. */
  next(timeoutMs?: number): Promise<WireEvent>;
  /** Next messages until `count` arrived; throws on a close. */
  messages(count: number, timeoutMs?: number): Promise<string[]>;
  /** Waits for the close, skipping messages. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  /** Sends `messages` in one SockJS frame (raw WebSocket: one WebSocket message each, back to back). */
  send(...messages: string[]): Promise<void>;
  /** Sends one raw SockJS frame body (ignored by the raw WebSocket, which has no framing). */
  sendFrame(body: string): Promise<void>;
  /** Sends one binary WebSocket message (WebSockets only; HTTP sub-transports reject). */
  sendBinary(data: Uint8Array): Promise<void>;
  /** Stop reading (WebSocket: pause the socket; streaming: pause the response; polling: stop polling). */
  pause(): void;
  resume(): void;
  close(): void;
}

class WireQueue {
  private readonly events: WireEvent[] = [];
  private waiters: ((e: WireEvent | undefined) => void)[] = [];
  isClosed = false;
  /** The session's `o` frame was seen. */
  opened = false;

  push(e: WireEvent): void {
    if (this.isClosed) return;
    if (e.kind === "close") this.isClosed = true;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(e);
    else this.events.push(e);
  }

  next(timeoutMs: number): Promise<WireEvent> {
    const e = this.events.shift();
    if (e !== undefined) return Promise.resolve(e);
    if (this.isClosed) return Promise.reject(new Error("closed: no more events"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no event within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (ev: WireEvent | undefined): void => {
        clearTimeout(timer);
        if (ev === undefined) reject(new Error("closed"));
        else resolve(ev);
      };
      this.waiters.push(waiter);
    });
  }
}

/** Parses one SockJS frame (`o`, `h`, `a[...]`, `c[code,reason]`) into the queue. */
function takeFrame(queue: WireQueue, frame: string): void {
  if (frame === "o") {
    // A second `o` means the session expired and a request opened a new one: say so.
    if (queue.opened) queue.push({ kind: "close", code: 0, reason: "session lost: a new session opened" });
    queue.opened = true;
    return;
  }
  if (frame === "" || /^h+$/.test(frame)) return;
  if (frame.startsWith("a")) {
    for (const m of JSON.parse(frame.slice(1)) as string[]) queue.push({ kind: "message", data: m });
  } else if (frame.startsWith("c")) {
    const [code, reason] = JSON.parse(frame.slice(1)) as [number, string];
    queue.push({ kind: "close", code, reason });
  } else {
    throw new Error(`unexpected sockjs frame ${frame.slice(0, 80)}`);
  }
}

function client(
  session: string,
  queue: WireQueue,
  ops: Pick<RawClient, "send" | "sendFrame" | "pause" | "resume" | "close"> & Partial<Pick<RawClient, "sendBinary">>,
): RawClient {
  return {
    sendBinary: () => Promise.reject(new Error("binary needs a WebSocket")),
    ...ops,
    session,
    next: (timeoutMs = 5000) => queue.next(timeoutMs),
    async messages(count, timeoutMs = 5000) {
      const out: string[] = [];
      while (out.length < count) {
        const e = await queue.next(timeoutMs);
        if (e.kind === "close") throw new Error(`closed ${e.code} ${e.reason} after ${out.length} of ${count} messages`);
        out.push(e.data);
      }
      return out;
    },
    async closed(timeoutMs = 5000) {
      for (;;) {
        const e = await queue.next(timeoutMs);
        if (e.kind === "close") return { code: e.code, reason: e.reason };
      }
    },
  };
}

/**
 * Opens a bare client on `sub` at `<base><prefix>` with `query` (`vsn=2.0.0&user_id=1`).
 * Resolves once the transport is connected (WebSocket open, or the `o` frame);
 * the Fawkes ack `fawkes:open` is the first message.
 */
export async function openRaw(sub: SubTransport, base: string, query = "vsn=2.0.0", prefix = "/socket/sockjs"): Promise<RawClient> {
  const session = randomBytes(6).toString("hex");
  const root = `${base}${prefix}/000/${session}`;
  const queue = new WireQueue();
  const xhrSend = async (body: string): Promise<void> => {
    const res = await fetch(`${root}/xhr_send?${query}`, { method: "POST", body, headers: { "content-type": "text/plain" } });
    await res.arrayBuffer();
    if (res.status !== 204) throw new Error(`xhr_send answered ${res.status}`);
  };
  if (sub === "raw-websocket" || sub === "websocket") {
    const url = sub === "raw-websocket" ? `${base.replace(/^http/, "ws")}${prefix}/websocket?${query}` : `${root.replace(/^http/, "ws")}/websocket?${query}`;
    const ws = new WebSocket(url);
    ws.on("message", (data) => {
      if (sub === "raw-websocket") queue.push({ kind: "message", data: String(data) });
      else takeFrame(queue, String(data));
    });
    ws.on("close", (code, reason) => queue.push({ kind: "close", code, reason: String(reason) }));
    ws.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("close", (code) => reject(new Error(`websocket closed before open: ${code}`)));
    });
    return client(session, queue, {
      async send(...messages) {
        if (sub === "raw-websocket") for (const m of messages) ws.send(m);
        else ws.send(JSON.stringify(messages));
      },
      async sendFrame(body) {
        if (sub === "websocket") ws.send(body);
      },
      async sendBinary(data) {
        ws.send(data);
      },
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      close: () => ws.terminate(),
    });
  }
  if (sub === "xhr-streaming") {
    let current: http.IncomingMessage | undefined;
    let request: http.ClientRequest | undefined;
    let stopped = false;
    let paused = false;
    /** One streaming request; resolves when its response starts. */
    const stream = (): Promise<void> =>
      new Promise((resolve, reject) => {
        request = http.request(`${root}/xhr_streaming?${query}`, { method: "POST" }, (res) => {
          current = res;
          if (paused) res.pause();
          let buffer = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            buffer += chunk;
            let nl: number;
            while ((nl = buffer.indexOf("\n")) !== -1) {
              takeFrame(queue, buffer.slice(0, nl));
              buffer = buffer.slice(nl + 1);
            }
          });
          // sockjs ends a streaming response after `responseLimit` bytes: open the next one.
          res.on("end", () => {
            if (!stopped && !queue.isClosed) stream().catch(() => {});
          });
          res.on("error", () => {});
          resolve();
        });
        request.on("error", (e) => {
          reject(e);
          if (!stopped) queue.push({ kind: "close", code: 1006, reason: String(e) });
        });
        request.end();
      });
    await stream();
    return client(session, queue, {
      send: (...messages) => xhrSend(JSON.stringify(messages)),
      sendFrame: (body) => xhrSend(body),
      pause: () => {
        paused = true;
        current?.pause();
      },
      resume: () => {
        paused = false;
        current?.resume();
      },
      close: () => {
        stopped = true;
        request?.destroy();
      },
    });
  }
  // xhr-polling
  const abort = new AbortController();
  let polling = true;
  let wake: (() => void) | undefined;
  const poll = async (): Promise<string> => {
    const res = await fetch(`${root}/xhr?${query}`, { method: "POST", signal: abort.signal });
    return (await res.text()).trim();
  };
  takeFrame(queue, await poll());
  void (async () => {
    try {
      while (!queue.isClosed && !abort.signal.aborted) {
        if (!polling)
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        if (abort.signal.aborted) return;
        takeFrame(queue, await poll());
      }
    } catch {
      if (!abort.signal.aborted) queue.push({ kind: "close", code: 1006, reason: "poll failed" });
    }
  })();
  return client(session, queue, {
    send: (...messages) => xhrSend(JSON.stringify(messages)),
    sendFrame: (body) => xhrSend(body),
    pause: () => {
      polling = false;
    },
    resume: () => {
      polling = true;
      wake?.();
      wake = undefined;
    },
    close: () => {
      abort.abort();
      wake?.();
    },
  });
}
