// The fixture server's drain: SIGTERM on a child process drains (clients see
// 1012), then the process exits 0; POST /fixture/drain starts a drain and
// answers at once.
import test, { type ExecutionContext } from "ava";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { timeCloses, ws } from "./drain-clients.js";
import { FIXTURE_SERVER_BIN, spawnListening, startFixtureServer, type SpawnListeningOptions } from "@fawkes/conformance";

const CHAT_SERVER = fileURLToPath(new URL("../../examples/chat/dist/server.js", import.meta.url));

/** Starts `script` as a child process (killed at teardown) and resolves once it prints its port. */
async function child(t: ExecutionContext, script: string, args: string[], options: SpawnListeningOptions = {}) {
  const { child: proc, exited, listening, output } = spawnListening(script, args, options);
  t.teardown(() => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  });
  return { proc, port: await listening, exited: exited.then(([code]) => code), stderr: () => output().stderr };
}

test("SIGTERM on the fixture server drains: every client sees 1012, not all at once, and the process exits 0", async (t) => {
  const { proc, port, exited, stderr } = await child(t, FIXTURE_SERVER_BIN, ["--port", "0"]);
  const url = `http://127.0.0.1:${port}`;
  const clients = await Promise.all(Array.from({ length: 5 }, () => ws(t, url)));
  const { closes, closedAt } = timeCloses(clients);
  proc.kill("SIGTERM");
  for (const info of await Promise.all(closes)) t.is(info.code, 1012);
  t.is(await exited, 0, stderr());
  closedAt.sort((a, b) => a - b);
  // One default batch spread over 1,000 ms: the closes do not all land together.
  t.true(closedAt[4]! - closedAt[0]! >= 5, `closes spread out: ${closedAt.join(", ")}`);
});

test("SIGTERM on the chat demo drains: its clients see 1012 and the process exits 0", async (t) => {
  const { proc, port, exited, stderr } = await child(t, CHAT_SERVER, [], { pattern: /localhost:(\d+)/, env: { PORT: "0" } });
  const outcome = await websocketClientDriver.connect({ url: `http://127.0.0.1:${port}`, path: "/socket/websocket", params: { vsn: "2.0.0", name: "ada" } });
  if (!outcome.ok) throw new Error(`refused ${outcome.status}`);
  t.teardown(() => outcome.connection.close());
  proc.kill("SIGTERM");
  t.like(await outcome.connection.closed, { code: 1012, reason: "draining" });
  t.is(await exited, 0, stderr());
});

test("POST /fixture/drain answers once the drain started; clients see 1012 in batches; new connections are refused 503", async (t) => {
  const fixture = await startFixtureServer({ transports: { websocket: websocket() }, serializers: [jsonV2, jsonV1], logger: silentLogger });
  t.teardown(() => fixture.close());
  const clients = await Promise.all(Array.from({ length: 4 }, () => ws(t, fixture.url)));
  const { closes, closedAt } = timeCloses(clients);
  const answer = await fetch(`${fixture.url}/fixture/drain`, { method: "POST", body: JSON.stringify({ batchSize: 1, intervalMs: 500 }) });
  const closedWhenAnswered = closedAt.length;
  t.is(answer.status, 200);
  t.deepEqual(await answer.json(), { ok: true });
  t.true(closedWhenAnswered < 4, "it answered before the drain ended");
  const refused = await websocketClientDriver.connect({ url: fixture.url, path: "/socket/websocket", params: { vsn: "2.0.0" } });
  t.deepEqual(refused, { ok: false, status: 503 });
  for (const info of await Promise.all(closes)) t.is(info.code, 1012);
  closedAt.sort((a, b) => a - b);
  t.true(closedAt[3]! >= 3 * 500, `four batches of one, 500 ms apart: ${closedAt.join(", ")}`);
  const bad = await fetch(`${fixture.url}/fixture/drain`, { method: "POST", body: JSON.stringify({ batchSize: 0 }) });
  t.is(bad.status, 400);
});

test("the broadcast control route refuses a phx: topic with 400 ERR_RESERVED_TOPIC", async (t) => {
  const fixture = await startFixtureServer({ transports: { websocket: websocket() }, serializers: [jsonV2, jsonV1], logger: silentLogger });
  t.teardown(() => fixture.close());
  const answer = await fetch(`${fixture.url}/fixture/broadcast`, {
    method: "POST",
    body: JSON.stringify({ topic: "phx:lp:x", event: "dispatch", payload: {} }),
  });
  t.is(answer.status, 400);
  t.like(await answer.json(), { code: "ERR_RESERVED_TOPIC" });
});
