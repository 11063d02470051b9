import type { Serializer } from "../contracts/serializer.js";
import type { Transport } from "../contracts/transport.js";
import type { PubSub } from "../pubsub/pubsub.js";
import type { Subscriber } from "../pubsub/subscriber.js";

/** A connection's (or a channel's) key/value state, set with `assign`. */
export type Assigns = Record<string, unknown>;

/**
 * The endpoint as user code on a socket sees it (`socket.endpoint`, Phoenix's
 * `socket.endpoint`): broadcasts to any topic and the PubSub. The `Endpoint`
 * is one; the core itself never reaches the endpoint through a socket.
 */
export interface SocketEndpoint {
  /** This node's name. */
  readonly node: string;
  readonly pubsub: PubSub;
  /** Broadcast to every subscriber of `topic` on every node; throws `ERR_RESERVED_TOPIC` / `ERR_UNENCODABLE`. */
  broadcast(topic: string, event: string, payload?: unknown): void;
  /** Broadcast to `topic` on this node only; throws as {@link broadcast}. */
  localBroadcast(topic: string, event: string, payload?: unknown): void;
  /** Broadcast excluding one subscriber; throws as {@link broadcast}. */
  broadcastFrom(from: Subscriber, topic: string, event: string, payload?: unknown): void;
}

/**
 * A connection's state, after Phoenix.Socket. `connect` receives it and may
 * `assign`; `id` reads it. Every channel joined on the connection gets its own
 * `ChannelSocket`, starting from a copy of these assigns.
 *
 * Plain state: the socket definition's limits and routes reach the connection
 * directly from the connect gate, not through the socket.
 */
export class Socket {
  /** The socket id from the handler's `id` callback; null for anonymous sockets. */
  id: string | null = null;
  assigns: Assigns;
  /** The name the transport is registered under (`websocket`, `longpoll`, ...). */
  readonly transportName: string;
  readonly transport: Transport;
  readonly serializer: Serializer;
  /** The endpoint serving this connection, for broadcasts to other topics. */
  readonly endpoint: SocketEndpoint;

  constructor(init: {
    transportName: string;
    transport: Transport;
    serializer: Serializer;
    endpoint: SocketEndpoint;
    assigns?: Assigns;
    id?: string | null;
  }) {
    this.transportName = init.transportName;
    this.transport = init.transport;
    this.serializer = init.serializer;
    this.endpoint = init.endpoint;
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
