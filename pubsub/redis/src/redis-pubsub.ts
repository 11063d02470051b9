import { FawkesError, type Broadcast, type PubSubAdapter } from "@fawkes/core";
import { Redis, type RedisOptions } from "ioredis";
import { ChannelLayout } from "./channel-layout.js";
import { ConnectionWatch } from "./connection-watch.js";
import { encodeEnvelope, readBroadcast, readHeader } from "./envelope.js";
import { resolveOptions, type RedisPubSubOptions, type ResolvedOptions } from "./options.js";
import { PublishQueue } from "./publish-queue.js";

/** How long `close()` waits for Redis to acknowledge QUIT before cutting a connection. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * Creates the Redis PubSub adapter for `new Endpoint({ pubsub })`. Throws
 * `ERR_BAD_OPTION` at once for a bad option; connects only when the endpoint
 * starts it.
 */
export function redisPubSub(options: RedisPubSubOptions = {}): RedisPubSub {
  return new RedisPubSub(options);
}

/**
 * Carries one endpoint's broadcasts to every other node subscribed to the same
 * channels, and theirs to it, over two Redis connections: one subscribed to
 * every channel of the layout, one that publishes. Each envelope names the node
 * that published it, and a node drops its own (the core has already delivered
 * them locally). Redis PubSub is at-most-once: a node that is disconnected when
 * a broadcast is published never sees it.
 */
export class RedisPubSub implements PubSubAdapter {
  /** The Redis channels this adapter publishes on and subscribes to. */
  readonly layout: ChannelLayout;
  private readonly options: ResolvedOptions;
  private state: "idle" | "starting" | "started" | "closed" = "idle";
  private node = "";
  private connections: { client: Redis; watch: ConnectionWatch }[] = [];
  private queue: PublishQueue | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: RedisPubSubOptions = {}) {
    this.options = resolveOptions(options);
    this.layout = new ChannelLayout(this.options.channelPrefix, this.options.shards);
  }

  /**
   * Connects both connections and subscribes to every channel of the layout.
   * Resolves once subscribed and able to publish; rejects with
   * `ERR_PUBSUB_UNAVAILABLE` (the last connection error as `cause`) when that has
   * not happened within `startTimeoutMs`, after closing both connections. Once
   * started, a lost connection is retried for as long as ioredis' `retryStrategy`
   * says (forever, by default) and never throws.
   */
  async start(node: string, deliver: (broadcast: Broadcast) => void): Promise<void> {
    if (this.state !== "idle") throw new FawkesError("ERR_PUBSUB_STARTED", "a Redis PubSub adapter starts once, for one endpoint");
    this.state = "starting";
    this.node = node;
    const name = `fawkes:${node.replace(/[^\w.:-]/g, "_")}`;
    const subscriber = this.open(`${name}:sub`, "subscriber", { enableOfflineQueue: true, autoResubscribe: true, maxRetriesPerRequest: null });
    const publisher = this.open(`${name}:pub`, "publisher", { enableOfflineQueue: false });
    this.queue = new PublishQueue(publisher, this.options.queueLimit, this.options.logger);
    subscriber.on("messageBuffer", (_channel: Buffer, message: Buffer) => this.receive(message, deliver));
    const ms = this.options.startTimeoutMs;
    try {
      await withTimeout(Promise.all([subscriber.subscribe(...this.layout.channels), ready(publisher)]), ms);
    } catch (failure) {
      const cause = this.connections.map((c) => c.watch.lastError).find((e) => e !== undefined) ?? failure;
      const closedMeanwhile = this.closed;
      await this.shutdown();
      this.state = "closed";
      const why = closedMeanwhile ? "the adapter was closed while starting" : `not subscribed within ${ms} ms`;
      throw new FawkesError("ERR_PUBSUB_UNAVAILABLE", `Redis at ${this.where()} is unavailable: ${why}`, { cause });
    }
    for (const c of this.connections) c.watch.started();
    if (this.state === "starting") this.state = "started";
  }

  /**
   * Sends `broadcast` to the other nodes. Never throws: a payload that cannot be
   * encoded is logged and dropped (local subscribers still got it), and while
   * Redis is unreachable broadcasts wait in the bounded publish queue.
   */
  publish(broadcast: Broadcast): void {
    const queue = this.queue;
    if (this.state === "closed" || queue === undefined) {
      if (this.state === "idle")
        this.options.logger.warn("broadcast before the Redis PubSub adapter started; it stays on this node", {
          topic: broadcast.topic,
          event: broadcast.event,
        });
      return;
    }
    let envelope: Buffer;
    try {
      envelope = encodeEnvelope(this.node, broadcast);
    } catch (cause) {
      this.options.logger.error("a broadcast cannot be sent to other nodes; it stays on this node", { topic: broadcast.topic, event: broadcast.event, cause });
      return;
    }
    queue.send(this.layout.channelFor(broadcast.topic), envelope);
  }

  /** Quits both connections (cutting them after 1 s without an answer) and drops anything still queued. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = "closed";
      await this.shutdown();
    })();
    return this.closing;
  }

  // A method, not an inline comparison: the state changes across awaits.
  private get closed(): boolean {
    return this.state === "closed";
  }

  private open(connectionName: string, role: "subscriber" | "publisher", forced: RedisOptions): Redis {
    const { client, url, redis } = this.options;
    const options: RedisOptions = { ...redis, connectionName, lazyConnect: false, ...forced };
    const connection = client !== undefined ? client.duplicate(options) : new Redis(url!, options);
    this.connections.push({ client: connection, watch: new ConnectionWatch(connection, role, this.options.logger) });
    return connection;
  }

  private receive(message: Buffer, deliver: (broadcast: Broadcast) => void): void {
    if (this.state === "closed") return;
    let broadcast: Broadcast;
    try {
      const header = readHeader(message);
      if (header.node === this.node) return;
      broadcast = readBroadcast(message, header);
    } catch (cause) {
      this.options.logger.warn("ignored a message on a Fawkes Redis channel that is not a broadcast envelope", { cause });
      return;
    }
    try {
      deliver(broadcast);
    } catch (cause) {
      this.options.logger.error("delivering a broadcast from another node failed", { topic: broadcast.topic, event: broadcast.event, cause });
    }
  }

  private async shutdown(): Promise<void> {
    this.queue?.close();
    const connections = this.connections;
    this.connections = [];
    for (const c of connections) c.watch.quiet();
    await Promise.all(connections.map(({ client }) => quit(client)));
  }

  private where(): string {
    const { client, url } = this.options;
    if (client !== undefined) return `${client.options.host ?? "?"}:${client.options.port ?? "?"}`;
    const shown = new URL(url!);
    shown.password = "";
    shown.username = "";
    return shown.toString();
  }
}

function ready(client: Redis): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => client.once("ready", () => resolve()));
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function quit(client: Redis): Promise<void> {
  if (client.status === "ready") await withTimeout(client.quit(), QUIT_TIMEOUT_MS).catch(() => undefined);
  // Stops any reconnection attempt and drops what ioredis still queues.
  client.disconnect();
}
