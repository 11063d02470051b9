// Nothing thrown in a callback the transport installs reaches the process: an
// uncaught exception would fail this ava worker, so each test passing is the proof,
// and each also shows the server still serving another client afterwards.
import test from "ava";
import { WebSocket } from "ws";
import { silentLogger, type Logger } from "@fawkes/core";
import { websocket } from "@fawkes/websocket";
import { call, eventually, open, startServer } from "./helpers.js";
import { IdleSweeper } from "../dist/idle-sweeper.js";
import { CorkBatch } from "../dist/wire-frames.js";
import { wsCloseCode } from "../dist/websocket-connection.js";

const heartbeat = (ref: string) => [null, ref, "phoenix", "heartbeat", {}];

/** A logger that records errors and throws from `debug` when `poison` matches the message. */
function trapLogger(poison: string): Logger & { errors: { message: string; code: unknown }[] } {
  const errors: { message: string; code: unknown }[] = [];
  return {
    ...silentLogger,
    debug(message) {
      if (message.includes(poison)) throw new Error("logger exploded");
    },
    error(message, fields) {
      errors.push({ message, code: fields?.code });
    },
    errors,
  };
}

test("a throw inside the ws 'error' listener closes only that connection; the process and other clients live on", async (t) => {
  const log = trapLogger("websocket error");
  const server = await startServer(t, { websocket: websocket() }, { logger: log });
  const bystander = await open(t, server);
  const bad = new WebSocket(`ws://127.0.0.1:${server.port}/socket/websocket?vsn=2.0.0`);
  t.teardown(() => bad.terminate());
  bad.on("error", () => {});
  await new Promise((resolve) => bad.once("open", resolve));
  const closed = new Promise<number>((resolve) => bad.once("close", resolve));
  bad.send(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { binary: false }); // invalid UTF-8: ws emits 'error'
  t.true([1007, 1011].includes(await closed));
  t.true(
    log.errors.some((e) => e.code === "ERR_TRANSPORT_CALLBACK"),
    "the throw was logged with its code",
  );
  t.true(await eventually(() => server.endpoint.connectionCount === 1));
  t.deepEqual((await call(bystander, heartbeat("still")))[1], "still");
});

test("close codes ws would throw on are sent as 1011; every code Fawkes uses passes unchanged", (t) => {
  for (const code of [1000, 1001, 1003, 1007, 1008, 1009, 1011, 1012, 1013, 1014, 3000, 4403, 4999]) t.is(wsCloseCode(code), code);
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 1000.5, Number.NaN]) t.is(wsCloseCode(code), 1011, String(code));
});

test("endpoint.close with a code ws refuses closes clients with 1011 instead of throwing", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const client = await open(t, server);
  await server.endpoint.close(1005);
  t.is((await client.closed).code, 1011);
});

test("the idle sweeper survives a connection whose idle close throws, and still closes the others", async (t) => {
  const log = trapLogger("never");
  const sweeper = new IdleSweeper(20, log);
  t.teardown(() => sweeper.stop());
  let closedOthers = 0;
  sweeper.add({
    idleSweeps: 0,
    idle() {
      throw new Error("boom");
    },
  });
  sweeper.add({
    idleSweeps: 0,
    idle() {
      closedOthers++;
    },
  });
  t.true(await eventually(() => closedOthers > 0, 2000));
  t.true(log.errors.some((e) => e.code === "ERR_TRANSPORT_CALLBACK"));
});

test("a socket whose uncork throws neither escapes the tick nor leaves the others corked", async (t) => {
  const log = trapLogger("never");
  const batch = new CorkBatch(log);
  const uncorked: string[] = [];
  batch.add({
    cork() {},
    uncork() {
      throw new Error("boom");
    },
  });
  batch.add({
    cork() {},
    uncork() {
      uncorked.push("second");
    },
  });
  await new Promise((r) => setImmediate(r));
  t.deepEqual(uncorked, ["second"]);
  t.is(log.errors.length, 1);
  t.is(batch.epoch, 1);
});
