// The fixture-server command and the fixture's control routes.
import test from "ava";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { FIXTURE_SERVER_BIN, jsonV2Codec, spawnListening } from "@fawkes/conformance";

const run = (args: string[]) => spawnListening(FIXTURE_SERVER_BIN, args, { timeoutMs: 5000 });

test("fixture-server prints 'listening <port>' and serves websocket + control routes", async (t) => {
  const server = run(["--port", "0"]);
  t.teardown(() => {
    server.child.kill("SIGTERM");
  });
  const port = await server.listening;
  t.true(port > 0);
  const outcome = await websocketClientDriver.connect({ url: `http://127.0.0.1:${port}`, path: "/socket/websocket", params: { vsn: "2.0.0" } });
  if (!outcome.ok) {
    t.fail(`status ${outcome.status}`);
    return;
  }
  const conn = outcome.connection;
  t.teardown(() => conn.close());
  conn.send(jsonV2Codec.encode({ joinRef: "1", ref: "1", topic: "room:cli", event: "phx_join", payload: {} }));
  t.is(jsonV2Codec.decode(await conn.receive()).event, "phx_reply");
  t.is(jsonV2Codec.decode(await conn.receive()).event, "joined");
  const res = await fetch(`http://127.0.0.1:${port}/fixture/broadcast`, {
    method: "POST",
    body: JSON.stringify({ topic: "room:cli", event: "news", payload: { n: 1 } }),
  });
  t.is(res.status, 200);
  t.deepEqual(jsonV2Codec.decode(await conn.receive()), { joinRef: null, ref: null, topic: "room:cli", event: "news", payload: { n: 1 } });
  const bad = await fetch(`http://127.0.0.1:${port}/fixture/broadcast`, { method: "POST", body: "not json" });
  t.is(bad.status, 400);
  const missing = await fetch(`http://127.0.0.1:${port}/fixture/nothing`, { method: "POST", body: "{}" });
  t.is(missing.status, 404);
  server.child.kill("SIGTERM");
  const [code] = await server.exited;
  t.is(code, 0);
});

test("fixture-server exits with a clear error when the --pubsub Redis is unreachable", async (t) => {
  const server = run(["--port", "0", "--pubsub", "redis://127.0.0.1:1/?startTimeoutMs=300"]);
  t.teardown(() => {
    server.child.kill("SIGTERM");
  });
  const [code] = await server.exited;
  t.is(code, 2);
  t.true(server.output().stderr.includes("ERR_PUBSUB_UNAVAILABLE"), server.output().stderr);
});

test("fixture-server refuses a bad --port", async (t) => {
  const server = run(["--port", "http"]);
  const [code] = await server.exited;
  t.is(code, 2);
});
