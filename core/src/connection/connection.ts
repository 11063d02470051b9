import { ChannelServer, type JoinOutcome } from "./channel-server.js";
import { ChannelTable } from "./channel-table.js";
import { CloseCode, FawkesError } from "./errors.js";
import type { Frame, Message, Outbound, Serializer } from "./serializer.js";
import type { ConnectionPort, ConnectionSink, Logger } from "./transport.js";
import type { PubSub, Subscriber } from "./pubsub.js";
import type { Socket } from "./socket.js";
import { isReservedTopic } from "./reserved-topics.js";
import { RateLimiter, type RateDecision } from "./rate-limit.js";

/** What a connection needs from its endpoint. */
export interface ConnectionRuntime {
  readonly pubsub: PubSub;
  readonly log: Logger;
  forget(connection: Connection): void;
}

/**
 * The core's side of one client connection: decodes inbound frames strictly in
 * order, answers heartbeats, routes join/leave/events to channels (after the
 * protocol table in DESIGN.md section 3), and encodes what goes back.
 */
export class Connection implements ConnectionPort {
  readonly serializer: Serializer;
  private readonly channels = new ChannelTable();
  /** Messages that arrived while a join was running; null when none is. */
  private pending: Message[] | null = null;
  private open = true;
  private readonly messageLimiter: RateLimiter | undefined;
  private joinLimiter: RateLimiter | undefined;
  /** Subscribed to the socket id topic, if any: a `disconnect` broadcast there closes this connection. */
  private readonly idSubscriber: Subscriber | undefined;

  constructor(readonly socket: Socket, private readonly sink: ConnectionSink, private readonly runtime: ConnectionRuntime) {
    this.serializer = socket.serializer;
    const rate = socket.handler.messageRate;
    this.messageLimiter = rate === false ? undefined : new RateLimiter(rate);
    if (socket.id !== null) {
      this.idSubscriber = { deliver: (broadcast) => { if (broadcast.event === "disconnect") this.close(CloseCode.GoingAway, "disconnect"); } };
      runtime.pubsub.subscribe(socket.id, this.idSubscriber);
    }
  }

  get pubsub(): PubSub { return this.runtime.pubsub; }
  get log(): Logger { return this.runtime.log; }
  get channelCount(): number { return this.channels.size; }

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
    if (rate !== "ok") { this.rateLimited(message, rate); return; }
    if (this.pending !== null) {
      if (this.pending.length >= this.socket.handler.maxQueuedMessages) { this.flooded(); return; }
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
    const joins = this.socket.handler.joinRate;
    if (joins === false) return "ok";
    return (this.joinLimiter ??= new RateLimiter(joins)).take();
  }

  /** Over a rate limit: an error reply, or (kept going) a close with 1008 `ERR_RATE_LIMITED`. */
  private rateLimited(message: Message, decision: RateDecision): void {
    if (decision === "exceeded") {
      this.log.warn("closing a connection that kept going over its rate limit", { code: "ERR_RATE_LIMITED", transport: this.socket.transportName, event: message.event });
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

  private join(message: Message, existing: ChannelServer | undefined): Promise<void> | undefined {
    if (existing !== undefined) {
      this.log.debug("duplicate join; closing the old channel", { topic: message.topic });
      existing.shutdown("duplicate_join");
    }
    const replaced = existing?.joinRef;
    // Reserved topics carry node-to-node traffic: never joinable, whatever the routes say.
    const route = isReservedTopic(message.topic) ? undefined : this.socket.handler.router.match(message.topic);
    if (route === undefined || (route.via !== undefined && !route.via.has(this.socket.transportName))) {
      this.reply(message, null, "error", { reason: "unmatched topic" });
      this.closeReplaced(message.topic, existing, replaced);
      return undefined;
    }
    if (this.channels.size >= this.socket.handler.maxChannels) {
      this.reply(message, message.joinRef, "error", { reason: "too many channels joined" });
      this.closeReplaced(message.topic, existing, replaced);
      return undefined;
    }
    const server = new ChannelServer(this, route.target, message);
    const outcome = server.join(message.payload);
    if (!(outcome instanceof Promise)) {
      this.joined(server, message, outcome, existing, replaced);
      return undefined;
    }
    return outcome.then((o) => {
      try {
        this.joined(server, message, o, existing, replaced);
      } catch (cause) {
        this.log.error("closing connection after an internal error", { topic: message.topic, cause });
        this.close(CloseCode.InternalError, "ERR_INTERNAL");
      }
    });
  }

  private joined(server: ChannelServer, message: Message, outcome: JoinOutcome, existing: ChannelServer | undefined, replaced: string | null | undefined): void {
    if (!this.open) {
      if (outcome.joined) server.shutdown("closed");
      return;
    }
    if (outcome.joined && !server.closed) {
      this.channels.set(server.topic, server);
      this.runtime.pubsub.subscribe(server.topic, server);
      server.activate(message.ref, outcome.response);
      server.drain();
    } else {
      this.reply(message, message.joinRef, "error", outcome.response);
    }
    this.closeReplaced(message.topic, existing, replaced);
  }

  private closeReplaced(topic: string, existing: ChannelServer | undefined, joinRef: string | null | undefined): void {
    if (existing === undefined) return;
    this.sendOutbound({ joinRef: joinRef ?? null, ref: joinRef ?? null, topic, event: "phx_close", payload: {} });
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
