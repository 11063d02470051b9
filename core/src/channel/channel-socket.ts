import type { Serializer } from "../contracts/serializer.js";
import type { Transport } from "../contracts/transport.js";
import type { Assigns, Socket, SocketEndpoint } from "../state/socket-state.js";

/** What a channel socket needs from the channel server behind it. */
export interface ChannelOps {
  push(event: string, payload: unknown): void;
  broadcast(event: string, payload: unknown, excludeSelf: boolean): void;
  replyLater(ref: string | null, status: string, response: unknown): void;
  info(message: unknown): void;
}

/**
 * A reference to a client message, to reply to it later:
 * `const ref = socket.socketRef(); setTimeout(() => ref.reply("ok", {}), 100)`.
 * Replying after the channel has closed does nothing.
 */
export class SocketRef {
  constructor(
    private readonly ops: ChannelOps,
    readonly ref: string | null,
  ) {}
  reply(status: string, response: unknown = {}): void {
    this.ops.replyLater(this.ref, status, response);
  }
}

/**
 * A channel's socket: the connection's state plus the channel's topic and helpers.
 *
 * The connection's fields are read through from its {@link Socket}. Assigns are
 * copy-on-write: a channel reads the connection's assigns until its first
 * `assign`, which gives the channel its own copy, so channels never see each
 * other's assigns. Change assigns with `assign`, not by mutating `assigns`.
 */
export class ChannelSocket {
  /** The connection's socket this channel was joined on. */
  readonly parent: Socket;
  readonly topic: string;
  /** The client's join reference for this channel. */
  readonly joinRef: string | null;
  /** True once the join succeeded. */
  joined = false;
  /** The ref of the latest client message handled by this channel. */
  ref: string | null = null;
  private own: Assigns | null = null;

  constructor(
    parent: Socket,
    topic: string,
    joinRef: string | null,
    private readonly ops: ChannelOps,
  ) {
    this.parent = parent;
    this.topic = topic;
    this.joinRef = joinRef;
  }

  get id(): string | null {
    return this.parent.id;
  }
  get assigns(): Assigns {
    return this.own ?? this.parent.assigns;
  }
  get transportName(): string {
    return this.parent.transportName;
  }
  get transport(): Transport {
    return this.parent.transport;
  }
  get serializer(): Serializer {
    return this.parent.serializer;
  }
  get endpoint(): SocketEndpoint {
    return this.parent.endpoint;
  }

  /** Adds a key/value pair (or every pair of an object) to this channel's assigns; returns this. */
  assign(key: string, value: unknown): this;
  assign(values: Assigns): this;
  assign(keyOrValues: string | Assigns, value?: unknown): this {
    const own = (this.own ??= { ...this.parent.assigns });
    if (typeof keyOrValues === "string") own[keyOrValues] = value;
    else Object.assign(own, keyOrValues);
    return this;
  }

  /** Push an event to this client only. */
  push(event: string, payload: unknown = {}): void {
    this.ops.push(event, payload);
  }

  /** Broadcast an event to every subscriber of this topic, on every node. */
  broadcast(event: string, payload: unknown = {}): void {
    this.ops.broadcast(event, payload, false);
  }

  /** Broadcast an event to every subscriber of this topic except this channel. */
  broadcastFrom(event: string, payload: unknown = {}): void {
    this.ops.broadcast(event, payload, true);
  }

  /** A reference to the message being handled, to reply later. */
  socketRef(): SocketRef {
    return new SocketRef(this.ops, this.ref);
  }

  /** Queue `message` for this channel's `handleInfo`, after what is already queued. */
  sendInfo(message: unknown): void {
    this.ops.info(message);
  }
}
