import { CloseCode, FawkesError } from "../errors.js";
import type { JoinVerdict } from "../results.js";
import type { Logger } from "../contracts/logger.js";
import type { Broadcast, Frame, Message, Outbound, Serializer } from "../contracts/serializer.js";
import type { ConnectionPort, ConnectionSink } from "../contracts/transport.js";
import { RateLimiter, type RateDecision, type RateLimit } from "../limits/rate-limit.js";
import type { PubSub } from "../pubsub/pubsub.js";
import { isReservedTopic } from "../pubsub/reserved-topics.js";
import type { Subscriber } from "../pubsub/subscriber.js";
import type { Socket } from "../state/socket-state.js";
import type { ChannelDefinition } from "../channel/channel.js";
import type { Route } from "../channel/channel-router.js";
import { ChannelServer, type ChannelHost } from "../channel/channel-server.js";
import { ChannelTable } from "./channel-table.js";

/** What a connection needs from its endpoint. */
export interface ConnectionRuntime {
  readonly pubsub: PubSub;
  readonly log: Logger;
  forget(connection: Connection): void;
}

/** What a connection needs from its socket definition: its limits and its routes. */
export interface ConnectionPolicy {
  readonly maxChannels: number;
  readonly maxQueuedMessages: number;
  readonly messageRate: RateLimit | false;
  readonly joinRate: RateLimit | false;
  readonly router: { match(topic: string): Route<ChannelDefinition> | undefined };
}

/**
 * The core's side of one client connection, after Phoenix's `socket.ex`:
 * decodes inbound frames strictly in order, answers heartbeats, routes
 * join/leave/events to channels (after the table in docs/PROTOCOL.md section
 * 4), and encodes what goes back. Every answer to a `phx_join` leaves from
 * here: the ok reply, the error reply, and the `phx_close` of the channel a
 * join replaces.
 */
export class Connection implements ConnectionPort, ChannelHost {
  readonly serializer: Serializer;
  private readonly channels = new ChannelTable();
  /** Messages that arrived while a join was running; null when none is. */
  private pending: Message[] | null = null;
  private open = true;
  private readonly messageLimiter: RateLimiter | undefined;
  private joinLimiter: RateLimiter | undefined;
  /** Subscribed to the socket id topic, if any: a `disconnect` broadcast there closes this connection. */
  private readonly idSubscriber: Subscriber | undefined;

  constructor(
    readonly socket: Socket,
    private readonly sink: ConnectionSink,
    private readonly runtime: ConnectionRuntime,
    private readonly policy: ConnectionPolicy,
  ) {
    this.serializer = socket.serializer;
    const rate = policy.messageRate;
    this.messageLimiter = rate === false ? undefined : new RateLimiter(rate);
    if (socket.id !== null) {
      this.idSubscriber = {
        deliver: (broadcast) => {
          if (broadcast.event === "disconnect") this.close(CloseCode.GoingAway, "disconnect");
        },
      };
      runtime.pubsub.subscribe(socket.id, this.idSubscriber);
    }
  }

  get log(): Logger {
    return this.runtime.log;
  }
  get maxQueuedMessages(): number {
    return this.policy.maxQueuedMessages;
  }
  get channelCount(): number {
    return this.channels.size;
  }

  // ConnectionPort

  receive(frame: Frame): void {
    if (!this.open) return;
    let message: Message;
    try {
      message = this.serializer.decode(frame);
    } catch (cause) {
      const code = cause instanceof FawkesError ? cause.code : "ERR_MALFORMED_FRAME";
      this.log.warn("closing connection after a bad frame", { code, transport: this.socket.transportName });
      this.close(cause instanceof FawkesError && cause.closeCode !== undefined ? cause.closeCode : CloseCode.InvalidPayload, code);
      return;
    }
    const rate = this.rateCheck(message);
    if (rate !== "ok") {
      this.rateLimited(message, rate);
      return;
    }
    if (this.pending !== null) {
      if (this.pending.length >= this.policy.maxQueuedMessages) {
        this.flooded();
        return;
      }
      this.pending.push(message);
      return;
    }
    const wait = this.safeRoute(message);
    if (wait !== undefined) this.hold(wait);
  }

  closed(_info: { code?: number | undefined; reason: string }): void {
    this.shutdown();
  }

  /** Close from the server side; channels terminate with reason `closed`. */
  close(code: number, reason: string): void {
    if (!this.open) return;
    this.shutdown();
    this.sink.close(code, reason);
  }

  send(frame: Frame, shared = false): void {
    if (this.open) this.sink.send(frame, shared);
  }

  /** Encode and send; throws the serializer's error for an unencodable message. */
  sendOutbound(message: Outbound): void {
    if (this.open) this.sink.send(this.serializer.encode(message));
  }

  /** Broadcast from one of this connection's channels, on every node. */
  broadcast(broadcast: Broadcast, from: Subscriber | undefined): void {
    this.runtime.pubsub.broadcast(broadcast, from);
  }

  /** Too many messages waiting (behind a join or a slow channel): close, 1008. */
  flooded(): void {
    this.log.warn("closing a connection that flooded a slow channel", { code: "ERR_INBOUND_FLOOD", transport: this.socket.transportName });
    this.close(CloseCode.PolicyViolation, "ERR_INBOUND_FLOOD");
  }

  /** Called by a channel server as it ends. */
  channelEnded(server: ChannelServer): void {
    if (this.channels.get(server.topic) === server) this.channels.delete(server.topic);
    this.runtime.pubsub.unsubscribe(server.topic, server);
  }

  // internals

  private rateCheck(message: Message): RateDecision {
    const decision = this.messageLimiter?.take() ?? "ok";
    if (decision !== "ok" || message.event !== "phx_join") return decision;
    const joins = this.policy.joinRate;
    if (joins === false) return "ok";
    return (this.joinLimiter ??= new RateLimiter(joins)).take();
  }

  /** Over a rate limit: an error reply, or (kept going) a close with 1008 `ERR_RATE_LIMITED`. */
  private rateLimited(message: Message, decision: RateDecision): void {
    if (decision === "exceeded") {
      this.log.warn("closing a connection that kept going over its rate limit", {
        code: "ERR_RATE_LIMITED",
        transport: this.socket.transportName,
        event: message.event,
      });
      this.close(CloseCode.PolicyViolation, "ERR_RATE_LIMITED");
      return;
    }
    try {
      this.reply(message, message.joinRef, "error", { reason: "rate limited" });
    } catch (cause) {
      this.log.error("closing connection after an internal error", { topic: message.topic, cause });
      this.close(CloseCode.InternalError, "ERR_INTERNAL");
    }
  }

  private hold(wait: Promise<void>): void {
    this.pending ??= [];
    wait.then(() => this.resume());
  }

  private resume(): void {
    const queue = this.pending ?? [];
    this.pending = null;
    for (let i = 0; i < queue.length && this.open; i++) {
      const wait = this.safeRoute(queue[i]!);
      if (wait !== undefined) {
        this.pending = queue.slice(i + 1);
        wait.then(() => this.resume());
        return;
      }
    }
  }

  /** `route`, but an unexpected error (an unencodable reply) closes only this connection. */
  private safeRoute(message: Message): Promise<void> | undefined {
    try {
      return this.route(message);
    } catch (cause) {
      this.log.error("closing connection after an internal error", { topic: message.topic, event: message.event, cause });
      this.close(CloseCode.InternalError, cause instanceof FawkesError ? cause.code : "ERR_INTERNAL");
      return undefined;
    }
  }

  /** Handle one message; returns a promise only while a join is still running. */
  private route(message: Message): Promise<void> | undefined {
    const { topic, event } = message;
    if (topic === "phoenix" && event === "heartbeat") {
      this.reply(message, null, "ok", {});
      return undefined;
    }
    const server = this.channels.get(topic);
    if (event === "phx_join") return this.join(message, server);
    if (server === undefined) {
      if (event === "phx_leave") this.reply(message, message.joinRef, "ok", {});
      else this.reply(message, null, "error", { reason: "unmatched topic" });
      return undefined;
    }
    if (message.joinRef !== null && message.joinRef !== server.joinRef) return undefined; // stale
    if (event === "phx_leave") server.leave(message.ref);
    else server.handleIn(message);
    return undefined;
  }

  // Joins: every answer to a phx_join, after Phoenix's socket.ex.

  private join(message: Message, existing: ChannelServer | undefined): Promise<void> | undefined {
    if (existing !== undefined) {
      this.log.debug("duplicate join; closing the old channel", { topic: message.topic });
      existing.shutdown("duplicate_join");
    }
    // Reserved topics carry node-to-node traffic: never joinable, whatever the routes say.
    const route = isReservedTopic(message.topic) ? undefined : this.policy.router.match(message.topic);
    if (route === undefined || (route.via !== undefined && !route.via.has(this.socket.transportName))) {
      // No channel exists to own a join ref: the error reply carries none.
      this.answerJoin(message, null, { joined: false, response: { reason: "unmatched topic" } }, existing, null);
      return undefined;
    }
    if (this.channels.size >= this.policy.maxChannels) {
      this.answerJoin(message, null, { joined: false, response: { reason: "too many channels joined" } }, existing, message.joinRef);
      return undefined;
    }
    const server = new ChannelServer(this, route.target, message);
    const verdict = server.join(message.payload);
    if (!(verdict instanceof Promise)) {
      this.answerJoin(message, server, verdict, existing);
      return undefined;
    }
    return verdict.then((v) => {
      try {
        this.answerJoin(message, server, v, existing);
      } catch (cause) {
        this.log.error("closing connection after an internal error", { topic: message.topic, cause });
        this.close(CloseCode.InternalError, "ERR_INTERNAL");
      }
    });
  }

  /**
   * The one place a join is answered: register and reply ok (then the channel
   * sends what it pushed while joining), or reply error; then, if the join
   * replaced a channel on the same topic, tell the client that one is closed.
   * `server` is null when no channel ran (unmatched topic, too many channels).
   */
  private answerJoin(
    message: Message,
    server: ChannelServer | null,
    verdict: JoinVerdict,
    replaced: ChannelServer | undefined,
    errorJoinRef: string | null = message.joinRef,
  ): void {
    if (!this.open) {
      if (server !== null && verdict.joined) server.shutdown("closed");
      return;
    }
    if (server !== null && verdict.joined && !server.closed) {
      this.channels.set(server.topic, server);
      this.runtime.pubsub.subscribe(server.topic, server);
      server.activate();
      this.reply(message, server.joinRef, "ok", verdict.response);
      server.opened();
    } else {
      this.reply(message, errorJoinRef, "error", verdict.response);
    }
    if (replaced !== undefined) {
      const joinRef = replaced.joinRef;
      this.sendOutbound({ joinRef, ref: joinRef, topic: message.topic, event: "phx_close", payload: {} });
    }
  }

  private reply(message: Message, joinRef: string | null, status: string, response: unknown): void {
    this.sendOutbound({ kind: "reply", joinRef, ref: message.ref, topic: message.topic, status, response });
  }

  private shutdown(): void {
    if (!this.open) return;
    this.open = false;
    this.pending = null;
    if (this.socket.id !== null && this.idSubscriber !== undefined) this.runtime.pubsub.unsubscribe(this.socket.id, this.idSubscriber);
    for (const server of this.channels.values()) server.shutdown("closed");
    this.channels.clear();
    this.runtime.forget(this);
  }
}
