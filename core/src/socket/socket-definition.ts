import type { IncomingHttpHeaders } from "node:http";
import { FawkesError } from "../errors.js";
import type { ConnectResult } from "../results.js";
import { originChecker, type CheckOrigin } from "../http/origin.js";
import type { Params } from "../http/params.js";
import type { Serializer } from "../contracts/serializer.js";
import type { Transport } from "../contracts/transport.js";
import { resolveRateLimit, type RateLimit } from "../limits/rate-limit.js";
import type { Socket } from "../state/socket-state.js";
import type { ChannelDefinition } from "../channel/channel.js";
import { ChannelRouter } from "../channel/channel-router.js";
import type { ConnectionPolicy } from "../connection/connection.js";

/** Default {@link SocketOptions.messageRate}: 5,000 messages a second, bursts of 10,000. */
export const DEFAULT_MESSAGE_RATE: RateLimit = { perSecond: 5000, burst: 10_000 };
/** Default {@link SocketOptions.joinRate}: 20 joins a second, bursts of 100 (the default channel limit, all at once). */
export const DEFAULT_JOIN_RATE: RateLimit = { perSecond: 20, burst: 100 };

/** What `connect` learns about the connection besides its params. */
export interface ConnectInfo {
  /** Name of the transport the client came through. */
  readonly transport: string;
  readonly peer: { readonly address: string; readonly port: number };
  readonly userAgent: string | undefined;
  /** Every `x-*` request header, lower-cased. */
  readonly xHeaders: Readonly<Record<string, string>>;
  /** The request URI (path and query). */
  readonly uri: string;
  /** The auth token the client sent (`authToken` client option), if any. */
  readonly authToken: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface SocketOptions {
  /**
   * Serializers this socket accepts, tried in order against the client's `vsn`
   * (e.g. `[jsonV2, jsonV1]` from `@fawkes/json`). At least one.
   */
  readonly serializers: readonly Serializer[];
  /**
   * Authenticate a connection. Return `true`/`undefined`/`ok()` to accept (after
   * `socket.assign(...)`), or `false`/`error(reason)`/`refuse(reason, status)` to
   * refuse (HTTP 403 by default). A throw refuses with 500. Default: accept all.
   */
  connect?(params: Params, socket: Socket, info: ConnectInfo): ConnectResult | Promise<ConnectResult>;
  /**
   * The socket id, e.g. `users_socket:${socket.assigns.user_id}`; null for anonymous.
   * Broadcasting `"disconnect"` to that id closes every connection with it.
   */
  id?(socket: Socket): string | null | undefined;
  /** Origin check for every transport of this socket (a transport may override). Default true. */
  readonly checkOrigin?: CheckOrigin;
  /** Most channels one connection may join at once. Default 100. */
  readonly maxChannels?: number;
  /**
   * Most messages one connection may have waiting: frames held behind a running
   * join, or tasks queued behind a channel's running async callback. Past it the
   * connection is closed with 1008 `ERR_INBOUND_FLOOD`, so a client flooding a
   * slow channel cannot grow server memory without bound. Default 1000.
   */
  readonly maxQueuedMessages?: number;
  /**
   * Inbound messages per connection (every decoded frame counts, heartbeats and
   * joins included), a token bucket. A message over the limit is not handled:
   * it is answered with an error reply `{reason: "rate limited"}` (its topic
   * and ref). A connection that keeps going, a further `burst` of refused
   * messages (sustained: more than twice `perSecond`), is closed with 1008,
   * reason `ERR_RATE_LIMITED`. `false`: no limit. Default 5,000/s, burst 10,000:
   * far above any interactive client and 3x the busiest connection of the
   * round-trip benchmark; it stops tight loops, not busy apps.
   */
  readonly messageRate?: RateLimit | false;
  /**
   * `phx_join` messages per connection, a token bucket checked after
   * {@link messageRate}. A join over the limit gets the error reply
   * `{reason: "rate limited"}` (the official client rejoins with its backoff);
   * a further `burst` of refused joins closes the connection (1008,
   * `ERR_RATE_LIMITED`). `false`: no limit. Default 20/s, burst 100.
   */
  readonly joinRate?: RateLimit | false;
}

export interface ChannelOptions {
  /** Transport names that may join this channel. Default: all. */
  readonly via?: readonly string[];
}

const TRANSPORT_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * A socket definition, after Phoenix.Socket: how connections authenticate, which
 * transports serve them and which channels they reach.
 *
 * ```ts
 * const userSocket = defineSocket({
 *   serializers: [jsonV2, jsonV1],
 *   connect(params, socket) { socket.assign("user_id", params.user_id); return true; },
 *   id: (socket) => `users_socket:${socket.assigns.user_id}`,
 * })
 *   .transport("websocket", websocket())
 *   .channel("room:*", RoomChannel);
 * ```
 */
export class SocketHandler implements ConnectionPolicy {
  readonly router = new ChannelRouter<ChannelDefinition>();
  readonly transports = new Map<string, Transport>();
  readonly serializers: readonly Serializer[];
  readonly maxChannels: number;
  readonly maxQueuedMessages: number;
  readonly messageRate: RateLimit | false;
  readonly joinRate: RateLimit | false;
  readonly checkOrigin: CheckOrigin;
  private readonly connectFn: SocketOptions["connect"];
  private readonly idFn: SocketOptions["id"];

  constructor(options: SocketOptions) {
    if (!Array.isArray(options.serializers) || options.serializers.length === 0) {
      throw new FawkesError("ERR_NO_SERIALIZER", "a socket needs at least one serializer (e.g. jsonV2 from @fawkes/json)");
    }
    const max = options.maxChannels ?? 100;
    if (!Number.isInteger(max) || max < 1) throw new FawkesError("ERR_BAD_OPTION", "maxChannels must be a positive integer");
    const queued = options.maxQueuedMessages ?? 1000;
    if (!Number.isInteger(queued) || queued < 1) throw new FawkesError("ERR_BAD_OPTION", "maxQueuedMessages must be a positive integer");
    this.maxQueuedMessages = queued;
    this.messageRate = resolveRateLimit("messageRate", options.messageRate, DEFAULT_MESSAGE_RATE);
    this.joinRate = resolveRateLimit("joinRate", options.joinRate, DEFAULT_JOIN_RATE);
    originChecker(options.checkOrigin ?? true); // validate early
    this.serializers = [...options.serializers];
    this.maxChannels = max;
    this.checkOrigin = options.checkOrigin ?? true;
    this.connectFn = options.connect;
    this.idFn = options.id;
  }

  /** Serve `transport` at `<mount>/<name>`. One package may back several names. */
  transport(name: string, transport: Transport): this {
    if (!TRANSPORT_NAME.test(name)) throw new FawkesError("ERR_BAD_TRANSPORT", `transport name ${JSON.stringify(name)} must match ${TRANSPORT_NAME}`);
    if (this.transports.has(name)) throw new FawkesError("ERR_BAD_TRANSPORT", `transport ${JSON.stringify(name)} is already defined`);
    if (typeof transport?.attach !== "function") throw new FawkesError("ERR_BAD_TRANSPORT", `transport ${JSON.stringify(name)} is not a Transport`);
    this.transports.set(name, transport);
    return this;
  }

  /** Route topics matching `pattern` (exact, or ending in `*`) to `definition`. */
  channel(pattern: string, definition: ChannelDefinition, options: ChannelOptions = {}): this {
    if (definition === null || (typeof definition !== "function" && typeof definition !== "object")) {
      throw new FawkesError("ERR_BAD_CHANNEL", `channel for ${JSON.stringify(pattern)} must be a class or an object with join()`);
    }
    this.router.add(pattern, definition, options.via);
    return this;
  }

  /** Runs the user's connect callback. */
  connect(params: Params, socket: Socket, info: ConnectInfo): ConnectResult | Promise<ConnectResult> {
    return this.connectFn === undefined ? true : this.connectFn(params, socket, info);
  }

  /** Runs the user's id callback. */
  id(socket: Socket): string | null {
    return this.idFn?.(socket) ?? null;
  }
}

/** Shorthand for `new SocketHandler(options)`. */
export function defineSocket(options: SocketOptions): SocketHandler {
  return new SocketHandler(options);
}
