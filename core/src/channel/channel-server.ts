import { FawkesError } from "../errors.js";
import { describeResult, isThenable, readCallbackResult, readJoinResult, type JoinVerdict } from "../results.js";
import type { Logger } from "../contracts/logger.js";
import type { Broadcast, Frame, Message, Outbound, Serializer } from "../contracts/serializer.js";
import type { FastlaneCache } from "../pubsub/fastlane-cache.js";
import type { Subscriber } from "../pubsub/subscriber.js";
import type { Socket } from "../state/socket-state.js";
import { instantiateChannel, type Channel, type ChannelDefinition, type TerminateReason } from "./channel.js";
import { ChannelSocket, type ChannelOps } from "./channel-socket.js";

type Task =
  | { readonly kind: "in"; readonly message: Message }
  | { readonly kind: "out"; readonly event: string; readonly payload: unknown }
  | { readonly kind: "info"; readonly message: unknown }
  | { readonly kind: "leave"; readonly ref: string | null };

/** What a channel server needs from the connection it runs on. */
export interface ChannelHost {
  /** The connection's state, which the channel's socket reads through. */
  readonly socket: Socket;
  readonly serializer: Serializer;
  readonly log: Logger;
  /** Most tasks one channel may have waiting behind a running callback. */
  readonly maxQueuedMessages: number;
  /** Send a frame as it is (`shared`: a broadcast's fastlane frame). */
  send(frame: Frame, shared: boolean): void;
  /** Encode and send; throws the serializer's error for an unencodable message. */
  sendOutbound(message: Outbound): void;
  /** Broadcast on every node except to `from`; throws `ERR_RESERVED_TOPIC` or `ERR_UNENCODABLE`. */
  broadcast(broadcast: Broadcast, from: Subscriber | undefined): void;
  /** Too many tasks waiting: the connection closes (1008 `ERR_INBOUND_FLOOD`). */
  flooded(): void;
  /** The channel ended (whatever the reason): unregister and unsubscribe it. */
  channelEnded(server: ChannelServer): void;
}

/**
 * One joined channel on one connection: runs the user's callbacks one at a time
 * in arrival order (a mailbox, like the Phoenix channel process), and turns
 * their results into replies, pushes and closes. The join itself is answered by
 * the connection (ok or error reply, the `phx_close` of a channel it replaces);
 * the channel server only runs `join` and says how it went.
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

  constructor(
    private readonly conn: ChannelHost,
    definition: ChannelDefinition,
    join: Message,
  ) {
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

  /** Runs `join`; never throws or rejects. A crashed or bad join reads as refused, and the server is closed. */
  join(payload: unknown): JoinVerdict | Promise<JoinVerdict> {
    let result: unknown;
    try {
      result = this.channel.join(this.topic, payload, this.socket);
    } catch (cause) {
      return this.joinCrashed(cause);
    }
    if (isThenable(result)) {
      return new Promise((resolve) =>
        result.then(
          (v) => resolve(this.joinOutcome(v)),
          (e) => resolve(this.joinCrashed(e)),
        ),
      );
    }
    return this.joinOutcome(result);
  }

  /** The connection registered the channel and is about to send the ok reply: from now on it is joined. */
  activate(): void {
    this.state = "joined";
    this.socket.joined = true;
  }

  /** The ok reply is out: send what the channel pushed while joining, then run what queued meanwhile. */
  opened(): void {
    const early = this.early;
    this.early = null;
    if (early !== null) for (const m of early) this.emit(m);
    this.drain();
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
    if (this.intercepts?.has(broadcast.event)) {
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
    this.conn.broadcast({ topic: this.topic, event, payload }, excludeSelf ? this : undefined);
  }

  replyLater(ref: string | null, status: string, response: unknown): void {
    this.emit({ kind: "reply", joinRef: this.joinRef, ref, topic: this.topic, status, response });
  }

  info(message: unknown): void {
    this.enqueue({ kind: "info", message });
  }

  // internals

  private joinOutcome(result: unknown): JoinVerdict {
    return (
      readJoinResult(result) ?? this.joinCrashed(new FawkesError("ERR_BAD_RESULT", `join returned ${describeResult(result)}; expected ok(...) or error(...)`))
    );
  }

  private joinCrashed(cause: unknown): JoinVerdict {
    this.state = "closed";
    this.conn.log.error("channel join crashed", { topic: this.topic, cause });
    return { joined: false, response: { reason: "join crashed" } };
  }

  /** Send now, or hold until the join reply went out. Encoding errors crash the channel. */
  private emit(message: Outbound): void {
    if (this.state === "joining") {
      (this.early ??= []).push(message);
      return;
    }
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
      if (mailbox.length >= this.conn.maxQueuedMessages) {
        this.conn.flooded();
        return;
      }
      mailbox.push(task);
      return;
    }
    this.execute(task);
  }

  private execute(task: Task): void {
    let result: unknown;
    try {
      result = this.invoke(task);
      if (!isThenable(result)) {
        this.settle(task, result);
        return;
      }
    } catch (cause) {
      this.crash(cause);
      return;
    }
    this.busy = true;
    result.then(
      (value) => {
        this.busy = false;
        try {
          this.settle(task, value);
        } catch (cause) {
          this.crash(cause);
          return;
        }
        this.drain();
      },
      (cause) => {
        this.busy = false;
        this.crash(cause);
      },
    );
  }

  /** Run queued tasks until one goes async or the channel closes. */
  private drain(): void {
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
        if (channel.handleOut === undefined) {
          socket.push(task.event, task.payload);
          return undefined;
        }
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
    const verdict = readCallbackResult(result, task.kind === "in");
    if (verdict === undefined) {
      throw new FawkesError(
        "ERR_BAD_RESULT",
        `${task.kind === "in" ? "handleIn" : task.kind === "out" ? "handleOut" : "handleInfo"} returned ${describeResult(result)}`,
      );
    }
    const ref = task.kind === "in" ? task.message.ref : null;
    if (verdict.kind === "reply") this.replyLater(ref, verdict.status, verdict.response);
    if (verdict.kind === "stop") {
      if (verdict.reply !== undefined) this.replyLater(ref, verdict.reply.status, verdict.reply.response);
      this.finish(verdict.reason, "phx_close");
    }
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
        if (isThenable(done))
          done.then(
            () => undefined,
            (cause) => this.conn.log.error("channel terminate failed", { topic: this.topic, cause }),
          );
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
