/**
 * Issue 9: a client that stops reading is cut off at the documented limit
 * (1008 `ERR_SLOW_CONSUMER`, 3008 on the wire) on every sub-transport, while a
 * reading client on the same topic gets every broadcast.
 */
import test from "ava";
import { startFixture, eventually } from "./fixture.js";
import { SUB_TRANSPORTS, openRaw, type RawClient, type SubTransport } from "./raw-clients.js";

// A reader may sit above the soft limit during a batch (20 x 24 KB); the grace keeps it safe on a loaded machine.
const LIMITS = { maxBufferedBytes: 256 * 1024, hardMaxBufferedBytes: 1024 * 1024, slowConsumerGraceMs: 2000 };
const PAYLOAD = "x".repeat(24 * 1024);
const BATCH = 20;
/** Upper bound on broadcasts (48 MB): enough to fill loopback's kernel buffers behind a paused WebSocket. */
const MAX_BATCHES = 100;

async function joined(sub: SubTransport, base: string, topic: string): Promise<RawClient> {
  const c = await openRaw(sub, base);
  const [ack] = await c.messages(1);
  if (ack !== "fawkes:open") throw new Error(`expected the ack, got ${ack}`);
  await c.send(JSON.stringify(["1", "1", topic, "phx_join", {}]));
  const [reply] = await c.messages(1);
  if ((JSON.parse(reply!) as unknown[])[3] !== "phx_reply") throw new Error(`expected the join reply, got ${reply}`);
  return c;
}

const seqOf = (message: string) => ((JSON.parse(message) as unknown[])[4] as { seq: number }).seq;

for (const sub of SUB_TRANSPORTS) {
  test(`${sub}: a client that stops reading is cut off with ERR_SLOW_CONSUMER; a reader on the same topic gets everything`, async (t) => {
    const f = await startFixture(t, { ...LIMITS, disconnectDelay: 10_000 });
    const topic = `room:bp-${sub}`;
    const reader = await joined(sub, f.base, topic);
    t.teardown(() => reader.close());
    const paused = await joined(sub, f.base, topic);
    t.teardown(() => paused.close());
    paused.pause();
    const cut = () => f.logged.some((l) => l.fields?.code === "ERR_SLOW_CONSUMER");
    let sent = 0;
    for (let batch = 0; batch < MAX_BATCHES && !cut(); batch++) {
      for (let i = 0; i < BATCH; i++) f.endpoint.broadcast(topic, "new_msg", { seq: sent++, pad: PAYLOAD });
      // Paced by the reader: it never falls behind, the paused client only grows.
      t.deepEqual(
        (await reader.messages(BATCH, 10_000)).map(seqOf),
        Array.from({ length: BATCH }, (_, i) => sent - BATCH + i),
      );
    }
    t.true(await eventually(cut, 2 * LIMITS.slowConsumerGraceMs), `not cut off after ${sent} broadcasts of 24 KB`);
    t.log(`cut off after ${sent} broadcasts of 24 KB`);
    const entry = f.logged.find((l) => l.fields?.code === "ERR_SLOW_CONSUMER")!;
    t.true((entry.fields!.queued as number) > LIMITS.maxBufferedBytes);
    t.is(f.logged.filter((l) => l.fields?.code === "ERR_SLOW_CONSUMER").length, 1, "only the paused client is cut");
    t.true(await eventually(() => f.endpoint.connectionCount === 1), "only the reader is left");
    // The reader is still served in full after the cut.
    for (let i = 0; i < BATCH; i++) f.endpoint.broadcast(topic, "new_msg", { seq: sent++, pad: "after" });
    t.deepEqual(
      (await reader.messages(BATCH)).map(seqOf),
      Array.from({ length: BATCH }, (_, i) => sent - BATCH + i),
    );
    if (sub === "xhr-polling") {
      // A poll after the cut reads what was queued, then the close frame.
      paused.resume();
      t.deepEqual(await paused.closed(10_000), { code: 3008, reason: "ERR_SLOW_CONSUMER" });
    }
  });
}

test("a polling client that keeps polling under a fast stream of broadcasts is not cut off", async (t) => {
  const f = await startFixture(t, { ...LIMITS, disconnectDelay: 10_000 });
  const topic = "room:bp-fast";
  const reader = await joined("xhr-polling", f.base, topic);
  t.teardown(() => reader.close());
  let sent = 0;
  // About 2.3 MB in bursts of 384 KB: over the soft limit for moments, never for the grace period.
  for (let batch = 0; batch < 6; batch++) {
    for (let i = 0; i < 16; i++) f.endpoint.broadcast(topic, "new_msg", { seq: sent++, pad: PAYLOAD });
    t.deepEqual(
      (await reader.messages(16, 10_000)).map(seqOf),
      Array.from({ length: 16 }, (_, i) => sent - 16 + i),
    );
  }
  t.false(f.logged.some((l) => l.fields?.code === "ERR_SLOW_CONSUMER"));
  t.is(f.endpoint.connectionCount, 1);
});
