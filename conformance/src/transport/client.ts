import type { Frame } from "@fawkes/core";
import type { ClientConnection } from "../client-driver.js";
import type { ClientCodec, ClientMessage, ServerMessage } from "../codec.js";
import { comparable } from "../comparable.js";
import type { SuiteAssertions } from "../test-fn.js";

/** Expected fields of a server message; `joinRef` is adjusted for codecs that never carry it. */
export interface Expected {
  readonly topic: string;
  readonly event: string;
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly payload: unknown;
}

/**
 * A protocol-level client over one driver connection: numbered refs like the
 * `phoenix` client, and expectations that read the next frame in order.
 */
export class SuiteClient {
  private counter = 0;

  constructor(
    private readonly t: SuiteAssertions,
    readonly connection: ClientConnection,
    private readonly codec: ClientCodec,
    private readonly timeoutMs: number,
  ) {}

  /** The next client ref. */
  nextRef(): string {
    return String(++this.counter);
  }

  send(message: ClientMessage): void {
    this.connection.send(this.codec.encode(message));
  }

  /** `message` as this client's codec writes it (for `sendBatch`). */
  frame(message: ClientMessage): Frame {
    return this.codec.encode(message);
  }

  sendRaw(frame: Frame): void {
    this.connection.send(frame);
  }

  /** Send an event; returns its ref. */
  push(topic: string, event: string, payload: unknown, joinRef: string | null): string {
    const ref = this.nextRef();
    this.send({ joinRef, ref, topic, event, payload });
    return ref;
  }

  /** Send `phx_join`; returns the join ref (the message's own ref, as the phoenix client does). */
  sendJoin(topic: string, payload: unknown = {}): string {
    const ref = this.nextRef();
    this.send({ joinRef: ref, ref, topic, event: "phx_join", payload });
    return ref;
  }

  /** The next server message, decoded. */
  async next(): Promise<ServerMessage> {
    return this.codec.decode(await this.connection.receive(this.timeoutMs));
  }

  /** The join ref as this codec's client sees it on server messages. */
  jr(joinRef: string | null): string | null {
    return this.codec.joinRefFromServer === false ? null : joinRef;
  }

  /** Reads the next message and asserts it equals `expected`. */
  async expect(expected: Expected, what: string): Promise<ServerMessage> {
    const actual = await this.next();
    this.t.deepEqual(comparable(actual), comparable({ ...expected, joinRef: this.jr(expected.joinRef) }), what);
    return actual;
  }

  /** Reads the next message and asserts it is the reply to `ref`. */
  expectReply(topic: string, ref: string, joinRef: string | null, status: string, response: unknown, what: string): Promise<ServerMessage> {
    return this.expect({ topic, event: "phx_reply", joinRef, ref, payload: { status, response } }, what);
  }

  /** Joins a `room:*` topic and reads the ok reply and the `joined` push; returns the join ref. */
  async join(topic: string): Promise<string> {
    const joinRef = this.sendJoin(topic);
    await this.expectReply(topic, joinRef, joinRef, "ok", { joined: topic }, `join ${topic}: ok reply`);
    await this.expect({ topic, event: "joined", joinRef, ref: null, payload: { topic } }, `join ${topic}: joined push`);
    return joinRef;
  }

  /** Round-trips an `echo`: proves the channel answers and that nothing else was queued before the reply. */
  async echo(topic: string, joinRef: string, payload: unknown, what: string): Promise<void> {
    const ref = this.push(topic, "echo", payload, joinRef);
    await this.expectReply(topic, ref, joinRef, "ok", payload, what);
  }

  /** Reads `count` messages (any order). */
  async collect(count: number): Promise<ServerMessage[]> {
    const out: ServerMessage[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next());
    return out;
  }
}
