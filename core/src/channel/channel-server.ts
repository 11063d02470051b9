import { ChannelSocket, type ChannelOps } from "./socket.js";
import { instantiateChannel, type Channel, type ChannelDefinition, type TerminateReason } from "./channel.js";
import { FawkesError } from "./errors.js";
import type { Broadcast, Message, Outbound, Serializer } from "./serializer.js";
import type { FastlaneCache, Subscriber } from "./pubsub.js";
import type { Connection } from "./connection.js";

type Task =
  | { readonly kind: "in"; readonly message: Message }
  | { readonly kind: "out"; readonly event: string; readonly payload: unknown }
  | { readonly kind: "info"; readonly message: unknown }
  | { readonly kind: "leave"; readonly ref: string | null };

/** The outcome of a join, before the connection registers the channel. */
export type JoinOutcome = { readonly joined: true; readonly response: unknown } | { readonly joined: false; readonly response: unknown };

interface Thenable { then(onOk: (v: unknown) => void, onErr: (e: unknown) => void): unknown }
function isThenable(value: unknown): value is Thenable {
  return value !== null && typeof value === "object" && typeof (value as Thenable).then === "function";
}

function resultType(value: unknown): string | undefined {
  return value !== null && typeof value === "object" ? (value as { type?: string }).type : undefined;
}

/**
 * One joined channel on one connection: runs the user's callbacks one at a time
 * in arrival order (a mailbox, like the Phoenix channel process), and turns
 * their results into replies, pushes and closes.
 */
export class ChannelServer implements Subscriber, ChannelOps {
  readonly topic: string;
  readonly joinRef: string | null;
  readonly socket: ChannelSocket;
  private readonly channel: Channel;
  private readonly intercepts: ReadonlySet<string> | null;
  private state: "joining" | "joined" | "closed" = "joining";
  private busy = false;
  /** Tasks waiting while a callback runs; created on first need (most channels never queue). */
  private mailbox: Task[] | null = null;
  /** Pushes made while joining; sent right after the join reply. */
  private early: Outbound[] | null = null;

  constructor(private readonly conn: Connection, definition: ChannelDefinition, join: Message) {
    this.topic = join.topic;
    this.joinRef = join.joinRef;
    this.channel = instantiateChannel(definition);
    const intercepts = this.channel.intercepts;
    this.intercepts = intercepts && intercepts.length > 0 ? new Set(intercepts) : null;
    this.socket = new ChannelSocket(conn.socket, this.topic, this.joinRef, this);
    this.socket.ref = join.ref;
  }

  /** The connection's serializer: the fastlane frame this channel takes (see {@link Subscriber}). */
  get serializer(): Serializer {
    return this.conn.serializer;
  }

  get closed(): boolean {
    return this.state === "closed";
  }

  /** Runs `join`; never throws or rejects. */
  join(payload: unknown): JoinOutcome | Promise<JoinOutcome> {
    let result: unknown;
    try {
      result = this.channel.join(this.topic, payload, this.socket);
    } catch (cause) {
      return this.joinCrashed(cause);
    }
    if (isThenable(result)) {
      return new Promise((resolve) => result.then((v) => resolve(this.joinOutcome(v)), (e) => resolve(this.joinCrashed(e))));
    }
    return this.joinOutcome(result);
  }

  /** The connection registered the channel: reply, then flush early pushes. */
  activate(ref: string | null, response: unknown): void {
    this.state = "joined";
    this.socket.joined = true;
    this.conn.sendOutbound({ kind: "reply", joinRef: this.joinRef, ref, topic: this.topic, status: "ok", response });
    const early = this.early;
    this.early = null;
    if (early !== null) for (const m of early) this.emit(m);
  }

  handleIn(message: Message): void {
    this.enqueue({ kind: "in", message });
  }

  leave(ref: string | null): void {
    this.enqueue({ kind: "leave", ref });
  }

  /** End the channel without telling the client (connection closed, duplicate join). */
  shutdown(reason: TerminateReason): void {
    this.finish(reason, null);
  }

  deliver(broadcast: Broadcast, lane: FastlaneCache): void {
    if (this.state !== "joined") return;
    if (this.intercepts !== null && this.intercepts.has(broadcast.event)) {
      this.enqueue({ kind: "out", event: broadcast.event, payload: broadcast.payload });
    } else {
      this.conn.send(lane.frameFor(this.conn.serializer), true);
    }
  }

  // ChannelOps, used by ChannelSocket

  push(event: string, payload: unknown): void {
    this.emit({ joinRef: this.joinRef, ref: null, topic: this.topic, event, payload });
  }

  broadcast(event: string, payload: unknown, excludeSelf: boolean): void {
    this.conn.pubsub.broadcast({ topic: this.topic, event, payload }, excludeSelf ? this : undefined);
  }

  replyLater(ref: string | null, status: string, response: unknown): void {
    this.emit({ kind: "reply", joinRef: this.joinRef, ref, topic: this.topic, status, response });
  }

  info(message: unknown): void {
    this.enqueue({ kind: "info", message });
  }

  // internals

  private joinOutcome(result: unknown): JoinOutcome {
    if (result === true || result === undefined) return { joined: true, response: {} };
    if (result === false) return { joined: false, response: {} };
    const type = resultType(result);
    if (type === "ok") return { joined: true, response: (result as { response: unknown }).response };
    if (type === "error") return { joined: false, response: (result as { response: unknown }).response };
    return this.joinCrashed(new FawkesError("ERR_BAD_RESULT", `join returned ${describe(result)}; expected ok(...) or error(...)`));
  }

  private joinCrashed(cause: unknown): JoinOutcome {
    this.state = "closed";
    this.conn.log.error("channel join crashed", { topic: this.topic, cause });
    return { joined: false, response: { reason: "join crashed" } };
  }

  /** Send now, or hold until the join reply went out. Encoding errors crash the channel. */
  private emit(message: Outbound): void {
    if (this.state === "joining") { (this.early ??= []).push(message); return; }
    if (this.state === "closed") return;
    try {
      this.conn.sendOutbound(message);
    } catch (cause) {
      this.crash(cause);
    }
  }

  private enqueue(task: Task): void {
    if (this.state === "closed") return;
    if (this.busy || this.state === "joining") {
      const mailbox = (this.mailbox ??= []);
      if (mailbox.length >= this.socket.handler.maxQueuedMessages) { this.conn.flooded(); return; }
      mailbox.push(task);
      return;
    }
    this.execute(task);
  }

  private execute(task: Task): void {
    let result: unknown;
    try {
      result = this.invoke(task);
      if (!isThenable(result)) { this.settle(task, result); return; }
    } catch (cause) {
      this.crash(cause);
      return;
    }
    this.busy = true;
    result.then(
      (value) => {
        this.busy = false;
        try { this.settle(task, value); } catch (cause) { this.crash(cause); return; }
        this.drain();
      },
      (cause) => { this.busy = false; this.crash(cause); },
    );
  }

  /** Run queued tasks until one goes async or the channel closes. */
  drain(): void {
    const mailbox = this.mailbox;
    if (mailbox === null) return;
    while (!this.busy && this.state === "joined" && mailbox.length > 0) this.execute(mailbox.shift()!);
  }

  private invoke(task: Task): unknown {
    const { channel, socket } = this;
    switch (task.kind) {
      case "in":
        socket.ref = task.message.ref;
        return channel.handleIn?.(task.message.event, task.message.payload, socket);
      case "out":
        if (channel.handleOut === undefined) { socket.push(task.event, task.payload); return undefined; }
        return channel.handleOut(task.event, task.payload, socket);
      case "info":
        if (channel.handleInfo === undefined) {
          this.conn.log.warn("sendInfo without handleInfo; message dropped", { topic: this.topic });
          return undefined;
        }
        return channel.handleInfo(task.message, socket);
      case "leave":
        return undefined;
    }
  }

  private settle(task: Task, result: unknown): void {
    if (task.kind === "leave") {
      this.replyLater(task.ref, "ok", {});
      this.finish("left", "phx_close");
      return;
    }
    const type = resultType(result);
    if (result === undefined || type === "noreply") return;
    if (type === "stop") {
      const stop = result as { reason: string; reply?: { status: string; response: unknown } };
      if (stop.reply !== undefined && task.kind === "in") this.replyLater(task.message.ref, stop.reply.status, stop.reply.response);
      this.finish(stop.reason, "phx_close");
      return;
    }
    if (task.kind === "in" && (type === "ok" || type === "error" || type === "reply")) {
      const r = result as { status?: string; response: unknown };
      this.replyLater(task.message.ref, type === "reply" ? r.status! : type, r.response);
      return;
    }
    throw new FawkesError("ERR_BAD_RESULT", `${task.kind === "in" ? "handleIn" : task.kind === "out" ? "handleOut" : "handleInfo"} returned ${describe(result)}`);
  }

  private crash(cause: unknown): void {
    if (this.state === "closed") return;
    this.conn.log.error("channel crashed", { topic: this.topic, cause });
    this.finish("crash", "phx_error");
  }

  /** Terminate once: unsubscribe, run `terminate`, tell the client if `event` is given. */
  private finish(reason: TerminateReason, event: "phx_close" | "phx_error" | null): void {
    const wasJoined = this.state === "joined";
    if (this.state === "closed") return;
    this.state = "closed";
    this.mailbox = null;
    this.conn.channelEnded(this);
    if (wasJoined) {
      try {
        const done = this.channel.terminate?.(reason, this.socket);
        if (isThenable(done)) done.then(() => undefined, (cause) => this.conn.log.error("channel terminate failed", { topic: this.topic, cause }));
      } catch (cause) {
        this.conn.log.error("channel terminate failed", { topic: this.topic, cause });
      }
    }
    if (event !== null && wasJoined) {
      const payload = event === "phx_error" ? { reason: "channel_crash" } : {};
      this.conn.sendOutbound({ joinRef: this.joinRef, ref: this.joinRef, topic: this.topic, event, payload });
    }
  }
}

function describe(value: unknown): string {
  try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
}
