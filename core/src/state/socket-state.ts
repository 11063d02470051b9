import type { Serializer } from "./serializer.js";
import type { Transport } from "./transport.js";
import type { Endpoint } from "./endpoint.js";
import type { SocketHandler } from "./socket-handler.js";

export type Assigns = Record<string, unknown>;

/**
 * A connection's state, after Phoenix.Socket. `connect` receives it and may
 * `assign`; `id` reads it. Every channel joined on the connection gets its own
 * {@link ChannelSocket}, starting from a copy of these assigns.
 */
export class Socket {
  /** The socket id from the handler's `id` callback; null for anonymous sockets. */
  id: string | null = null;
  assigns: Assigns;
  /** The name the transport is registered under (`websocket`, `longpoll`, ...). */
  readonly transportName: string;
  readonly transport: Transport;
  readonly serializer: Serializer;
  readonly endpoint: Endpoint;
  /** The socket handler (the user's socket definition) this connection came through. */
  readonly handler: SocketHandler;

  constructor(init: {
    transportName: string; transport: Transport; serializer: Serializer;
    endpoint: Endpoint; handler: SocketHandler; assigns?: Assigns; id?: string | null;
  }) {
    this.transportName = init.transportName;
    this.transport = init.transport;
    this.serializer = init.serializer;
    this.endpoint = init.endpoint;
    this.handler = init.handler;
    this.assigns = init.assigns ?? {};
    this.id = init.id ?? null;
  }

  /** Adds a key/value pair (or every pair of an object) to the assigns; returns this. */
  assign(key: string, value: unknown): this;
  assign(values: Assigns): this;
  assign(keyOrValues: string | Assigns, value?: unknown): this {
    if (typeof keyOrValues === "string") this.assigns[keyOrValues] = value;
    else Object.assign(this.assigns, keyOrValues);
    return this;
  }
}

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
  constructor(private readonly ops: ChannelOps, readonly ref: string | null) {}
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

  constructor(parent: Socket, topic: string, joinRef: string | null, private readonly ops: ChannelOps) {
    this.parent = parent;
    this.topic = topic;
    this.joinRef = joinRef;
  }

  get id(): string | null { return this.parent.id; }
  get assigns(): Assigns { return this.own ?? this.parent.assigns; }
  get transportName(): string { return this.parent.transportName; }
  get transport(): Transport { return this.parent.transport; }
  get serializer(): Serializer { return this.parent.serializer; }
  get endpoint(): Endpoint { return this.parent.endpoint; }
  get handler(): SocketHandler { return this.parent.handler; }

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
