// Node B in another process: the `fixture-server` command with
// `--pubsub redis://...?channelPrefix=... --node b`; node A in this process.
import test, { type ExecutionContext } from "ava";
import { FIXTURE_SERVER_BIN, spawnListening } from "@fawkes/conformance";
import { REDIS_URL, redisTest, uniquePrefix } from "./redis-test.js";
import { redisNode, wsClient } from "./nodes.js";

/** Starts the fixture-server command and resolves with its base URL once it prints `listening <port>`. */
async function childNode(t: ExecutionContext, args: string[]): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const { child, exited, listening } = spawnListening(FIXTURE_SERVER_BIN, ["--port", "0", ...args], { timeoutMs: 8000 });
  t.teardown(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  const port = await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      return (await exited)[0];
    },
  };
}

redisTest("fixture-server --pubsub redis://... --node b in a child process exchanges broadcasts with node A", async (t) => {
  const prefix = uniquePrefix();
  const a = await redisNode(t, "node-a", prefix);
  const b = await childNode(t, ["--pubsub", `${REDIS_URL}/?channelPrefix=${encodeURIComponent(prefix)}`, "--node", "b"]);
  const onA = await wsClient(t, a.url);
  const onB = await wsClient(t, b.url, { user_id: "carol" });
  await onA.join("room:proc");
  await onB.join("room:proc");
  // A client on A -> the client in the child.
  onA.push("room:proc", "broadcast", { from: "a" });
  t.deepEqual(await onB.receive(), { joinRef: null, ref: null, topic: "room:proc", event: "new_msg", payload: { from: "a" } });
  // The child's control route -> the client on A.
  const res = await fetch(`${b.url}/fixture/broadcast`, { method: "POST", body: JSON.stringify({ topic: "room:proc", event: "from_b", payload: { n: 2 } }) });
  t.is(res.status, 200);
  const atA = await onA.take(3);
  t.deepEqual(
    atA.filter((m) => m.event !== "phx_reply").map((m) => [m.event, m.payload]),
    [
      ["new_msg", { from: "a" }],
      ["from_b", { n: 2 }],
    ],
  );
  // A disconnect broadcast from A closes carol's connection in the child.
  await fetch(`${a.url}/fixture/disconnect`, { method: "POST", body: JSON.stringify({ id: "user_socket:carol" }) });
  const closed = await Promise.race([onB.connection.closed, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 2000))]);
  t.not(closed, "timeout");
  if (closed !== "timeout") t.is(closed.code, 1001);
  t.is(await b.stop(), 0);
});

test("fixture-server --pubsub with an unreachable Redis exits 2 naming ERR_PUBSUB_UNAVAILABLE", async (t) => {
  const { child, exited, output } = spawnListening(FIXTURE_SERVER_BIN, ["--port", "0", "--pubsub", "redis://127.0.0.1:1/?startTimeoutMs=300"]);
  t.teardown(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  const [code] = await exited;
  t.is(code, 2);
  t.true(output().stderr.includes("ERR_PUBSUB_UNAVAILABLE"), output().stderr);
});
