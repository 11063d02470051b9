// The slow-consumer policy on LongPoll: a session is ended only when its buffer
// stays above the soft limit for the grace period without a poll taking it
// below, or passes a hard bound; a client that keeps polling keeps its session.
import test from "ava";
import { silentLogger, type Logger } from "@fawkes/core";
import { start, until, type Started } from "./fixture.js";
import { open, poll, post } from "./raw.js";

const join = (topic: string) => ["1", "1", topic, "phx_join", {}];
const MiB = 1024 * 1024;
const BODY = "m".repeat(8 * 1024);

/** A logger that keeps the code of every warning. */
function codeLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  return {
    ...silentLogger,
    warn(_message, fields) {
      warnings.push(fields?.code);
    },
    warnings,
  };
}

/** Opens a session joined to `topic`, with the join's own messages polled away. */
async function joined(s: Started, topic: string): Promise<string> {
  const token = await open(s.url);
  await post(s.url, token, [join(topic)]);
  let seen = 0;
  for (let i = 0; i < 10 && seen < 2; i++) {
    const answer = await poll(s.url, token);
    if (answer.body?.status === 200) seen += (answer.body.messages as string[]).length; // the join reply and the `joined` push
  }
  return token;
}

interface Polled {
  received: number[];
  ended: boolean;
  biggestAnswer: number;
}

/**
 * Polls as the phoenix client does (the next GET as soon as an answer came)
 * until `want` broadcasts arrived, the session ended (410), or `deadline`.
 */
async function pollLoop(s: Started, token: string, want: () => number, deadline: number): Promise<Polled> {
  const out: Polled = { received: [], ended: false, biggestAnswer: 0 };
  while (out.received.length < want() && Date.now() < deadline) {
    const answer = await poll(s.url, token);
    if (answer.body?.status === 410) {
      out.ended = true;
      break;
    }
    if (answer.body?.status !== 200) continue;
    const messages = answer.body.messages as string[];
    out.biggestAnswer = Math.max(
      out.biggestAnswer,
      messages.reduce((n, m) => n + Buffer.byteLength(m), 0),
    );
    for (const m of messages) {
      const [, , , event, payload] = JSON.parse(m) as [unknown, unknown, string, string, { i: number }];
      if (event === "new_msg") out.received.push(payload.i);
    }
  }
  return out;
}

/** Broadcasts 8 KB messages to `topic`: `perTick` every 10 ms for `ms`, plus one burst of `burst` at the first third. */
async function stream(s: Started, topic: string, ms: number, perTick: number, burst: number): Promise<number> {
  let i = 0;
  const began = Date.now();
  let burstDone = false;
  while (Date.now() - began < ms) {
    const n: number = !burstDone && Date.now() - began > ms / 3 ? burst : perTick;
    burstDone ||= n === burst;
    for (let k = 0; k < n; k++) s.endpoint.broadcast(topic, "new_msg", { i: i++, body: BODY });
    await new Promise((r) => setTimeout(r, 10));
  }
  return i;
}

test("an actively polling client under a 3 s stream of 8 KB broadcasts (with a 6 MiB burst in one tick) keeps its session and gets every message in order", async (t) => {
  const log = codeLogger();
  const s = await start({ window: 5000 }, { logger: log }); // default limits: 4 MiB soft, 16 MiB hard, 2 s grace
  t.teardown(() => s.endpoint.close());
  const token = await joined(s, "room:stream");
  let sent = Number.POSITIVE_INFINITY;
  const polled = pollLoop(s, token, () => sent, Date.now() + 20_000);
  // Several messages per 10 ms against one poll round trip, and a burst of 768 (6 MiB):
  // the old per-poll cap of 4 MiB ended this session with ERR_BUFFER_FULL.
  const streamed = await stream(s, "room:stream", 3000, 4, 768);
  // One last message wakes the poll already waiting when the count became known.
  s.endpoint.broadcast("room:stream", "new_msg", { i: streamed, body: BODY });
  sent = streamed + 1;
  const { received, ended, biggestAnswer } = await polled;
  t.false(ended, "the session lived");
  t.is(received.length, sent);
  t.deepEqual(
    received,
    Array.from({ length: sent }, (_, i) => i),
    "every message, in order",
  );
  t.false(log.warnings.includes("ERR_SLOW_CONSUMER"));
  t.true(biggestAnswer <= MiB, `a poll answer carried ${biggestAnswer} bytes of messages, at most 1 MiB`);
});

test("a client that stops polling is ended with ERR_SLOW_CONSUMER after the grace period; a polling client on the same topic keeps receiving", async (t) => {
  const log = codeLogger();
  const grace = 300;
  const s = await start({ window: 10_000, maxBufferedBytes: 256 * 1024, slowConsumerGraceMs: grace }, { logger: log });
  t.teardown(() => s.endpoint.close());
  const quiet = await joined(s, "room:two");
  const active = await joined(s, "room:two");
  let sent = Number.POSITIVE_INFINITY;
  const polled = pollLoop(s, active, () => sent, Date.now() + 20_000);
  const began = Date.now();
  // 40 x 8 KB first (above the 256 KiB soft limit for both), then a steady trickle below the 1 MiB ceiling's reach per grace period.
  for (let i = 0; i < 40; i++) s.endpoint.broadcast("room:two", "new_msg", { i, body: BODY });
  let i = 40;
  while (!log.warnings.includes("ERR_SLOW_CONSUMER") && Date.now() - began < 5000) {
    s.endpoint.broadcast("room:two", "new_msg", { i: i++, body: BODY });
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsed = Date.now() - began;
  t.true(log.warnings.includes("ERR_SLOW_CONSUMER"), "the quiet session was ended as a slow consumer");
  t.true(elapsed >= grace, `not before the grace period (${elapsed} ms)`);
  for (let k = 0; k < 5; k++) s.endpoint.broadcast("room:two", "new_msg", { i: i++, body: BODY });
  sent = i;
  t.deepEqual((await poll(s.url, quiet)).body, { status: 410 });
  const { received, ended } = await polled;
  t.false(ended);
  t.deepEqual(
    received,
    Array.from({ length: sent }, (_, n) => n),
    "the polling client got everything, in order",
  );
  t.true(s.record.terminations.includes("room:two:closed"));
});

test("passing hardMaxBufferedBytes ends the session at once, without waiting for the grace period", async (t) => {
  const log = codeLogger();
  const s = await start({ window: 10_000, maxBufferedBytes: 128 * 1024, hardMaxBufferedBytes: 512 * 1024, slowConsumerGraceMs: 60_000 }, { logger: log });
  t.teardown(() => s.endpoint.close());
  const quiet = await joined(s, "room:hard");
  const bystander = await joined(s, "room:other");
  for (let i = 0; i < 100; i++) s.endpoint.broadcast("room:hard", "new_msg", { i, body: BODY }); // 800 KB in one tick
  t.true(await until(() => log.warnings.includes("ERR_SLOW_CONSUMER"), 2000));
  t.deepEqual((await poll(s.url, quiet)).body, { status: 410 });
  s.endpoint.broadcast("room:other", "new_msg", { i: 0, body: "x" });
  t.is((await poll(s.url, bystander)).body?.status, 200);
});

test("reaching maxBufferedMessages ends the session at once, even with a logger that throws", async (t) => {
  const s = await start(
    { window: 10_000, maxBufferedMessages: 20 },
    {
      logger: {
        ...silentLogger,
        warn() {
          throw new Error("logger exploded");
        },
      },
    },
  );
  t.teardown(() => s.endpoint.close());
  const quiet = await joined(s, "room:count");
  const bystander = await joined(s, "room:other");
  for (let i = 0; i < 30; i++) s.endpoint.broadcast("room:count", "new_msg", { i });
  t.true(await until(() => s.record.terminations.includes("room:count:closed")));
  t.deepEqual((await poll(s.url, quiet)).body, { status: 410 });
  s.endpoint.broadcast("room:other", "new_msg", { i: 0 });
  t.is((await poll(s.url, bystander)).body?.status, 200);
});

test("a poll takes at most 1 MiB of messages (at least one); the rest waits, in order, for the next polls", async (t) => {
  const s = await start({ window: 10_000 });
  t.teardown(() => s.endpoint.close());
  const token = await joined(s, "room:chunks");
  const big = "b".repeat(1536 * 1024); // one message bigger than an answer's budget
  s.endpoint.broadcast("room:chunks", "new_msg", { i: 0, body: big });
  for (let i = 1; i <= 300; i++) s.endpoint.broadcast("room:chunks", "new_msg", { i, body: BODY }); // 2.4 MB more
  const sizes: number[] = [];
  const order: number[] = [];
  while (order.length < 301 && sizes.length < 20) {
    const answer = await poll(s.url, token);
    t.is(answer.body?.status, 200);
    const messages = answer.body!.messages as string[];
    sizes.push(messages.reduce((n, m) => n + Buffer.byteLength(m), 0));
    for (const m of messages) order.push((JSON.parse(m) as [unknown, unknown, string, string, { i: number }])[4].i);
  }
  t.deepEqual(
    order,
    Array.from({ length: 301 }, (_, i) => i),
  );
  t.true(sizes[0]! > MiB && sizes[0]! < 1600 * 1024, "the oversized message travels alone");
  t.true(
    sizes.slice(1).every((n) => n <= MiB),
    `later answers within 1 MiB: ${sizes.join(", ")}`,
  );
  t.true(sizes.length >= 4, "the rest took several polls");
});
