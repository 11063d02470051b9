import type { Frame } from "@fawkes/core";
import { startFixtureServer } from "../fixture/fixture-server.js";
import { silentLogger } from "@fawkes/core";
import type { ClientConnection } from "../client-driver.js";
import type { CaseEnv, TransportCase } from "./case.js";
import { eventually, postControl, within } from "./case.js";
import { SuiteClient } from "./client.js";
import type { SuiteSerializer, TransportSuiteOptions } from "./options.js";

/** The idle close the idle case configures (`faults.idleTimeout(IDLE_MS)`). */
export const IDLE_MS = 600;

/** The slow-consumer limits the slow-consumer case configures (`faults.slowConsumer(SLOW_CONSUMER_LIMITS)`). */
export const SLOW_CONSUMER_LIMITS = { maxBufferedBytes: 256 * 1024, hardMaxBufferedBytes: 1024 * 1024, slowConsumerGraceMs: 500 } as const;

/** Past this many bytes broadcast to a client that stopped reading, the transport failed to cut it off. */
const MAX_FLOOD_BYTES = 32 * 1024 * 1024;
const PAD = "x".repeat(16 * 1024);
const text = (data: string): Frame => ({ opcode: "text", data });
const GARBAGE = text("\u0000 this is not a message {[");
/** Garbage that still opens like a V2 frame, so it can travel in a LongPoll ndjson batch. */
const BATCH_GARBAGE = text("[\u0000 this is not a message {[");

interface Bystander {
  readonly c: SuiteClient;
  readonly joinRef: string;
  readonly topic: string;
}

/** A client joined to `topic` before the fault happens. */
async function bystander(env: CaseEnv, topic: string, params?: Record<string, string>): Promise<Bystander> {
  const c = await env.client(params);
  return { c, joinRef: await c.join(topic), topic };
}

/** How every fault case ends: the bystander connected before the fault is still served, and so is a new client. */
async function stillServes(env: CaseEnv, by: Bystander | undefined, what: string): Promise<void> {
  if (by !== undefined) await by.c.echo(by.topic, by.joinRef, { still: "served" }, `${what}: a client connected before is still served`);
  const fresh = await env.client();
  const joinRef = await fresh.join("room:after-fault");
  await fresh.echo("room:after-fault", joinRef, { fresh: true }, `${what}: a new client is served`);
}

/** Asserts `connection` ends within the (scaled) bound with one of `codes`, where the transport has close codes. */
async function expectClosed(env: CaseEnv, connection: ClientConnection, codes: readonly number[], what: string, reason?: string): Promise<void> {
  const closed = await within(connection.closed, env.scaled(3000), null);
  env.t.true(closed !== null, `${what}: the connection was not closed`);
  if (!env.closeCodes || closed === null) return;
  env.t.true(
    closed.code !== undefined && codes.includes(closed.code),
    `${what}: close code ${String(closed.code)} (${closed.reason}), want ${codes.join(" or ")}`,
  );
  if (reason !== undefined) env.t.is(closed.reason, reason, `${what}: close reason`);
}

function pauses(o: TransportSuiteOptions): boolean {
  return o.driver.supports?.pauseReading === true;
}

function batches(o: TransportSuiteOptions, e: SuiteSerializer): boolean {
  const declared = o.driver.supports?.sendBatch;
  return typeof declared === "function" ? declared(e.codec.vsn) : declared === true;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Malformed {
  readonly kind: string;
  readonly frame: Frame;
  /** Close codes that are right for it. */
  readonly codes: readonly number[];
  skip?(o: TransportSuiteOptions, e: SuiteSerializer): string | undefined;
}

const MALFORMED: readonly Malformed[] = [
  { kind: "garbage text", frame: GARBAGE, codes: [1007] },
  { kind: "wrong shape: an array of one null", frame: text("[null]"), codes: [1007] },
  { kind: "wrong shape: event is a number", frame: text('{"topic":"room:m","event":7,"payload":{},"ref":"1","join_ref":null}'), codes: [1007] },
  {
    kind: "binary frame to a text-only serializer",
    frame: { opcode: "binary", data: Uint8Array.of(0, 1, 2, 3, 255) },
    // 1007 is what the core sends for every serializer error; 1003 (unsupported data) fits a binary frame too.
    codes: [1007, 1003],
    skip: (o, e) =>
      !o.capabilities.binary
        ? "transport declares binary: false"
        : e.binaryPayloads === true
          ? `serializer ${e.serializer.name} reads binary frames`
          : undefined,
  },
];

const malformedCases: TransportCase[] = MALFORMED.map((m) => ({
  name: `fault: a malformed frame (${m.kind}) closes only that connection`,
  isolated: true,
  skip: (o, e) => (o.capabilities.rawFrames === false ? "transport declares rawFrames: false" : m.skip?.(o, e)),
  async run(env) {
    const by = await bystander(env, "room:m");
    const bad = await env.client();
    await bad.join("room:m");
    bad.sendRaw(m.frame);
    await expectClosed(env, bad.connection, m.codes, m.kind);
    await stillServes(env, by, `after ${m.kind}`);
  },
}));

/**
 * Fault cases: what a client can do to a server (bad input, silence, not
 * reading, many frames at once) and what the server does to its clients
 * (disconnect by id, endpoint close under traffic). Each runs isolated (alone in
 * its process, so an exception that escapes to the process is pinned on it) and
 * ends by proving the server still serves a client that was connected before
 * the fault, and a new one.
 */
export const faultCases: readonly TransportCase[] = [
  ...malformedCases,
  {
    name: `fault: idle timeout (${IDLE_MS} ms) closes a silent client with 1001, not an active one`,
    isolated: true,
    skip: (o) =>
      o.faults?.idleTimeout === undefined
        ? "no faults.idleTimeout given"
        : o.capabilities.delivery === "poll" && !pauses(o)
          ? "poll transport: a silent client also stops polling, and the driver declares no pauseReading"
          : undefined,
    transport: (o) => o.faults!.idleTimeout!(IDLE_MS),
    async run(env) {
      const { t, fixture } = env;
      const by = await bystander(env, "room:idle");
      let active = true;
      let keptAlive: unknown;
      // The bystander keeps talking for the whole case: the idle close is per connection.
      const keepAlive = (async () => {
        while (active) {
          await by.c.echo(by.topic, by.joinRef, { alive: true }, "the active client is answered");
          await sleep(IDLE_MS / 4);
        }
      })().catch((error: unknown) => {
        keptAlive = error;
      });
      const outcome = await env.connect();
      if (!outcome.ok) throw new Error(`connecting failed with status ${outcome.status}`);
      const silent = outcome.connection;
      env.teardown(() => silent.close());
      const since = Date.now();
      // For a polling transport a poll is traffic: the silent client stops polling too.
      const poll = env.options.capabilities.delivery === "poll";
      if (poll) silent.pauseReading!();
      const limit = env.scaled(IDLE_MS * 3 + 2000);
      await Promise.race([silent.closed, eventually(() => fixture.endpoint.connectionCount <= 1, limit)]);
      const elapsed = Date.now() - since;
      if (poll) silent.resumeReading!();
      const closed = await within(silent.closed, env.scaled(3000), null);
      active = false;
      await keepAlive;
      t.true(keptAlive === undefined, `the active client was not served meanwhile: ${String(keptAlive)}`);
      t.true(closed !== null, `the silent client was not closed within ${limit} ms`);
      t.true(elapsed >= IDLE_MS / 2, `the silent client was closed after ${elapsed} ms, well before the ${IDLE_MS} ms timeout`);
      if (env.closeCodes && closed !== null) t.is(closed.code, 1001, "idle close code");
      await stillServes(env, by, "after an idle close");
    },
  },
  {
    name: "fault: disconnect by id closes with 1001; the connection is gone and the client can reconnect",
    isolated: true,
    async run(env) {
      const { t, fixture } = env;
      const by = await bystander(env, "room:dc", { user_id: "erin" });
      const target = await env.client({ user_id: "dave" });
      await target.join("room:dc");
      const res = await postControl(fixture, "disconnect", { id: "user_socket:dave" });
      t.is(res.status, 200, "the control endpoint answers 200");
      // A zombie (open, but served no more) never reaches `closed`.
      await expectClosed(env, target.connection, [1001], "disconnect");
      t.true(
        await eventually(() => fixture.endpoint.pubsub.subscriberCount("user_socket:dave") === 0, env.scaled(2000)),
        "the server still holds the disconnected socket id",
      );
      const again = await env.client({ user_id: "dave" });
      const joinRef = await again.join("room:dc");
      await again.echo("room:dc", joinRef, { back: true }, "the reconnected client is served");
      t.is(fixture.endpoint.pubsub.subscriberCount("user_socket:dave"), 1, "the reconnected client holds the socket id");
      await stillServes(env, by, "after a disconnect");
    },
  },
  {
    name: "fault: endpoint.close() during traffic closes every client with 1012 and nothing throws",
    isolated: true,
    async run(env) {
      const { t, fixture, options, entry } = env;
      const a = await env.client();
      const b = await env.client();
      const ja = await a.join("room:busy");
      const jb = await b.join("room:busy");
      // In flight while the endpoint closes: client events, their pushes and
      // broadcasts, and broadcasts from the server.
      for (let i = 0; i < 20; i++) {
        a.push("room:busy", "push", { i }, ja);
        a.push("room:busy", "broadcast", { i }, ja);
        b.push("room:busy", "broadcast_from", { i }, jb);
      }
      for (let i = 0; i < 50; i++) fixture.endpoint.broadcast("room:busy", "tick", { i, pad: PAD.slice(0, 1024) });
      const closing = within(
        fixture.endpoint.close().then(() => true),
        env.scaled(10_000),
        false,
      );
      for (let i = 0; i < 20; i++) fixture.endpoint.broadcast("room:busy", "tick", { i, late: true });
      t.true(await closing, "endpoint.close() did not finish");
      await expectClosed(env, a.connection, [1012], "endpoint close (sender)");
      await expectClosed(env, b.connection, [1012], "endpoint close (receiver)");
      // The endpoint is gone; the process and the transport package are not: a new endpoint serves.
      const next = await startFixtureServer({
        transports: { [options.name]: options.transport() },
        serializers: (options.serializers ?? [entry]).map((s) => s.serializer),
        logger: silentLogger,
      });
      env.teardown(() => next.close());
      const outcome = await options.driver.connect({ url: next.url, path: `/socket/${options.name}`, params: { vsn: entry.codec.vsn } });
      if (!outcome.ok) throw new Error(`connecting to a new endpoint failed with status ${outcome.status}`);
      env.teardown(() => outcome.connection.close());
      const c = new SuiteClient(t, outcome.connection, entry.codec, env.timeoutMs);
      const joinRef = await c.join("room:next");
      await c.echo("room:next", joinRef, { next: true }, "a new endpoint in the same process serves");
    },
  },
  {
    name: "fault: a client that stops reading is cut off (1008 ERR_SLOW_CONSUMER); others on the topic get every broadcast",
    isolated: true,
    skip: (o) => (o.faults?.slowConsumer === undefined ? "no faults.slowConsumer given" : !pauses(o) ? "the driver declares no pauseReading" : undefined),
    transport: (o) => o.faults!.slowConsumer!(SLOW_CONSUMER_LIMITS),
    async run(env) {
      const { t, fixture } = env;
      const slow = await env.client();
      await slow.join("room:flood");
      const fast = await bystander(env, "room:flood");
      slow.connection.pauseReading!();
      // Rounds of 8 x 16 KiB (under the soft limit), each read by the fast client
      // before the next: it keeps up, the paused one falls behind.
      const ROUND = 8;
      let sent = 0;
      let cutAt: number | undefined;
      while (sent * PAD.length < MAX_FLOOD_BYTES) {
        for (let k = 0; k < ROUND; k++) fixture.endpoint.broadcast("room:flood", "fill", { i: sent + k, pad: PAD });
        for (let k = 0; k < ROUND; k++) {
          const m = await fast.c.next();
          const i = (m.payload as { i?: unknown } | null)?.i;
          if (m.event !== "fill" || i !== sent + k) t.fail(`the reading client got ${m.event} #${String(i)}, want fill #${sent + k}`);
        }
        sent += ROUND;
        if (cutAt === undefined && fixture.endpoint.pubsub.subscriberCount("room:flood") < 2) cutAt = sent;
        if (cutAt !== undefined && sent >= cutAt + 4 * ROUND) break; // the reader still gets every broadcast after the cut
      }
      t.true(cutAt !== undefined, `the client that stopped reading was never cut off (${sent} broadcasts of 16 KiB)`);
      slow.connection.resumeReading!();
      await expectClosed(env, slow.connection, [1008], "slow consumer", "ERR_SLOW_CONSUMER");
      await stillServes(env, fast, "after a slow consumer");
    },
  },
  {
    name: "fault: several messages in one read are all answered, in order",
    isolated: true,
    skip: (o, e) =>
      batches(o, e) ? undefined : `the driver declares no sendBatch${o.driver.supports?.sendBatch === undefined ? "" : ` for vsn ${e.codec.vsn}`}`,
    async run(env) {
      const { t } = env;
      const c = await env.client();
      const topic = "room:batch";
      // One read: a join, then echoes that must wait for it.
      const joinRef = c.nextRef();
      const first: Frame[] = [c.frame({ joinRef, ref: joinRef, topic, event: "phx_join", payload: {} })];
      const refs: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ref = c.nextRef();
        refs.push(ref);
        first.push(c.frame({ joinRef, ref, topic, event: "echo", payload: { i } }));
      }
      c.connection.sendBatch!(first);
      await c.expectReply(topic, joinRef, joinRef, "ok", { joined: topic }, "join reply first");
      await c.expect({ topic, event: "joined", joinRef, ref: null, payload: { topic } }, "then the joined push");
      for (let i = 0; i < refs.length; i++) await c.expectReply(topic, refs[i]!, joinRef, "ok", { i }, `batched echo ${i} in order`);
      // One read: twenty events, replies in order.
      const second = Array.from({ length: 20 }, (_, i) => ({ ref: c.nextRef(), i }));
      c.connection.sendBatch!(second.map(({ ref, i }) => c.frame({ joinRef, ref, topic, event: "echo", payload: { n: i } })));
      for (const { ref, i } of second) await c.expectReply(topic, ref, joinRef, "ok", { n: i }, `second batch: echo ${i} in order`);
      if (env.options.capabilities.rawFrames !== false) {
        // One read: a malformed frame and a good one. The first closes the connection; the second must not crash anything.
        const bad = await env.client();
        bad.connection.sendBatch!([BATCH_GARBAGE, bad.frame({ joinRef: null, ref: "1", topic: "room:x", event: "echo", payload: {} })]);
        await expectClosed(env, bad.connection, [1007], "a malformed frame first in one read");
      }
      t.pass();
      await stillServes(env, { c, joinRef, topic }, "after batches");
    },
  },
];
