/**
 * The slow-consumer policy as the SockJSConnection applies it, with a meter the
 * test controls: output seen below the soft limit again starts a fresh grace
 * period; output that stays above it for the grace period is cut off.
 */
import test from "ava";
import type { ConnectionSink } from "@fawkes/core";
import { SockJSConnection } from "../dist/sockjs-connection.js";
import { resolveOptions } from "../dist/options.js";
import { fakeConn, host, recorder, request, tick } from "./fakes.js";
import type { OutboundMeter } from "../dist/outbound-meter.js";

const GRACE = 300;

async function connectionWithLevel(): Promise<{ sink: ConnectionSink; conn: ReturnType<typeof fakeConn>; level: { bytes: number } }> {
  const { log } = recorder();
  const { host: h, sink } = host(log, () => ({ receive() {} }));
  const level = { bytes: 0 };
  const meter: OutboundMeter = { queued: () => level.bytes, wrote() {}, attach() {}, attached: () => true, destroy() {} };
  const conn = fakeConn();
  new SockJSConnection(
    conn,
    request,
    false,
    h,
    resolveOptions({ maxBufferedBytes: 100, hardMaxBufferedBytes: 1000, slowConsumerGraceMs: GRACE }),
    meter,
    () => {},
  );
  await tick();
  return { sink: sink(), conn, level };
}

const text = { opcode: "text" as const, data: "x" };

test("output that went below the soft limit in between gets a fresh grace period", async (t) => {
  const { sink, conn, level } = await connectionWithLevel();
  level.bytes = 500;
  sink.send(text); // above the soft limit: the grace period starts
  // Registered after the first watch's timer and before the second's: it runs after the first would have fired.
  const firstGraceOver = new Promise<void>((resolve) => setTimeout(resolve, GRACE));
  level.bytes = 10;
  sink.send(text); // caught up
  level.bytes = 500;
  sink.send(text); // above again: a fresh grace period
  // Checked in the microtasks right after that timer: a cut by the first watch (its own
  // timer, then a nextTick) would be done by now, while the second watch's timer has not run.
  await firstGraceOver;
  t.deepEqual(conn.closes, [], "not cut off at the end of the first grace period");
  await new Promise((resolve) => setTimeout(resolve, GRACE));
  await tick();
  t.deepEqual(conn.closes, [[3008, "ERR_SLOW_CONSUMER"]], "cut off when it stayed above for a whole grace period");
});

test("passing the hard ceiling cuts off at once", async (t) => {
  const { sink, conn, level } = await connectionWithLevel();
  level.bytes = 1001;
  sink.send(text);
  t.deepEqual(conn.closes, [], "never inside the send (it may be a broadcast fan-out)");
  await tick();
  t.deepEqual(conn.closes, [[3008, "ERR_SLOW_CONSUMER"]]);
});
