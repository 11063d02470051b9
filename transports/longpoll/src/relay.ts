import { randomUUID } from "node:crypto";
import { relayTopic as reservedTopic, type Frame, type Logger, type NodeRelay } from "@fawkes/core";
import type { LongPollConnection, PollWaiter } from "./longpoll-connection.js";

/** The answer to a poll, wherever the session lives. */
export type PollResult = { readonly status: 200; readonly messages: string[] } | { readonly status: 204 | 410 };

/** A poll relayed to another node; `abort` when the HTTP client goes away. */
export interface RemotePoll {
  readonly result: Promise<PollResult>;
  abort(): void;
}

interface WireFrame {
  readonly t: "text" | "binary";
  readonly d: string;
}
type Answer = (event: string, payload: Record<string, unknown>) => void;

/** How long a relayed poll waits for its last answer after asking to expire. */
const EXPIRE_GRACE_MS = 1000;
/**
 * How long a relayed poll waits for the owner's first answer (which it sends at
 * once) before it takes the owner node for gone, as Phoenix's `pubsub_timeout_ms`.
 */
const OWNER_ANSWER_MS = 2000;

/** The relay channel of one LongPoll transport instance (one node). */
function relayChannel(node: string): string {
  return `lp:${node}`;
}

/** The reserved PubSub topic that carries the relay channel of `node` (`phx:lp:<node>`). */
export function relayTopic(node: string): string {
  return reservedTopic(relayChannel(node));
}

/**
 * Reaches sessions held by other nodes through the host's node relay, after
 * Phoenix's LongPoll: every transport instance subscribes to relay channel
 * `lp:<node>` (carried as the reserved topic `phx:lp:<node>`); a request for a
 * session elsewhere is published to the owner's channel with a `ref` and this
 * node as `from`, and the owner answers on `lp:<from>`. Only nodes publish on
 * the relay: clients cannot join `phx:` topics and user broadcasts to them are
 * refused, so a request that arrives here came from a node.
 *
 * Requests: `poll {sid, ref, from}`, `expire {sid, ref, from}` (the poll's
 * window ran out), `dispatch {sid, ref, from, frames}` (frames as
 * `{t: "text" | "binary", d}`, binary data base64). Answers: `messages {ref,
 * messages}`, `waiting {ref}`, `empty {ref}`, `gone {ref}`, `ack {ref}`. Every
 * payload is plain JSON, so any PubSub adapter can carry it.
 */
export class SessionRelay {
  private readonly pending = new Map<string, Answer>();
  private readonly remoteWaiters = new Map<string, PollWaiter>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly relay: NodeRelay,
    private readonly node: string,
    private readonly find: (sid: string) => LongPollConnection | undefined,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.unsubscribe ??= this.relay.subscribe(relayChannel(this.node), (event, payload) => this.deliver(event, payload));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const answer of [...this.pending.values()]) answer("gone", {});
    this.pending.clear();
    this.remoteWaiters.clear();
  }

  /** Poll session `sid` on node `owner`; settles within `window` plus a short grace. */
  poll(owner: string, sid: string, window: number): RemotePoll {
    const ref = randomUUID();
    let acknowledged = false;
    let settle!: (result: PollResult) => void;
    let timer: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    const result = new Promise<PollResult>((resolve) => {
      settle = (r) => {
        if (!this.pending.delete(ref)) return;
        clearTimeout(timer);
        clearTimeout(grace);
        resolve(r);
      };
    });
    this.pending.set(ref, (event, payload) => {
      if (event === "messages") settle({ status: 200, messages: strings(payload.messages) });
      else if (event === "waiting") acknowledged = true;
      else if (event === "empty") settle({ status: 204 });
      else settle({ status: 410 });
    });
    // Nobody answered at all: the owner node is gone, and the session with it.
    const unanswered = setTimeout(
      () => {
        if (!acknowledged) settle({ status: 410 });
      },
      Math.min(OWNER_ANSWER_MS, window),
    );
    timer = setTimeout(() => {
      this.send(owner, "expire", { sid, ref, from: this.node });
      grace = setTimeout(() => settle({ status: 204 }), Math.min(EXPIRE_GRACE_MS, window));
    }, window);
    void result.then(() => clearTimeout(unanswered));
    this.send(owner, "poll", { sid, ref, from: this.node });
    return {
      result,
      abort: () => {
        if (!this.pending.has(ref)) return;
        this.send(owner, "expire", { sid, ref, from: this.node });
        settle({ status: 204 });
      },
    };
  }

  /** Hand frames to session `sid` on node `owner`: 200 once acknowledged, 410 if gone, 408 if no answer in `window`. */
  dispatch(owner: string, sid: string, frames: readonly Frame[], window: number): Promise<200 | 408 | 410> {
    const ref = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        resolve(408);
      }, window);
      this.pending.set(ref, (event) => {
        this.pending.delete(ref);
        clearTimeout(timer);
        resolve(event === "ack" ? 200 : 410);
      });
      const wire: WireFrame[] = frames.map((f) =>
        f.opcode === "text" ? { t: "text", d: f.data } : { t: "binary", d: Buffer.from(f.data).toString("base64") },
      );
      this.send(owner, "dispatch", { sid, ref, from: this.node, frames: wire });
    });
  }

  // Requests for sessions held here, and answers to our requests.

  private deliver(event: string, payload: unknown): void {
    if (payload === null || typeof payload !== "object") return;
    const p = payload as Record<string, unknown>;
    if (typeof p.ref !== "string") return;
    if (typeof p.from !== "string" || typeof p.sid !== "string") {
      this.pending.get(p.ref)?.(event, p);
      return;
    }
    this.serve(event, p.sid, p.ref, p.from, p);
  }

  private serve(event: string, sid: string, ref: string, from: string, p: Record<string, unknown>): void {
    const session = this.find(sid);
    const key = `${from} ${ref}`;
    if (event === "expire") {
      const waiter = this.remoteWaiters.get(key);
      this.remoteWaiters.delete(key);
      if (waiter !== undefined && session?.cancel(waiter) === true) this.send(from, "empty", { ref });
      return;
    }
    if (session === undefined) {
      this.send(from, "gone", { ref });
      return;
    }
    if (event === "dispatch") {
      const frames = decodeFrames(p.frames);
      if (frames === undefined) {
        this.log.warn("longpoll relay: malformed dispatch", { from });
        return;
      }
      this.send(from, session.dispatch(frames) ? "ack" : "gone", { ref });
      return;
    }
    if (event !== "poll") return;
    let answered = false;
    const waiter: PollWaiter = {
      deliver: (messages) => {
        answered = true;
        this.remoteWaiters.delete(key);
        this.send(from, "messages", { ref, messages });
      },
      release: (status) => {
        answered = true;
        this.remoteWaiters.delete(key);
        this.send(from, status === 204 ? "empty" : "gone", { ref });
      },
    };
    this.remoteWaiters.set(key, waiter);
    session.poll(waiter, false);
    if (!answered) this.send(from, "waiting", { ref });
  }

  private send(node: string, event: string, payload: Record<string, unknown>): void {
    this.relay.publish(relayChannel(node), event, payload);
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function decodeFrames(value: unknown): Frame[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const frames: Frame[] = [];
  for (const item of value) {
    if (item === null || typeof item !== "object") return undefined;
    const { t, d } = item as Record<string, unknown>;
    if (typeof d !== "string") return undefined;
    if (t === "text") frames.push({ opcode: "text", data: d });
    else if (t === "binary") frames.push({ opcode: "binary", data: new Uint8Array(Buffer.from(d, "base64")) });
    else return undefined;
  }
  return frames;
}
