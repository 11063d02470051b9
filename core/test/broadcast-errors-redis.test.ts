import { FawkesError } from "@fawkes/core";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { redisNode, redisTest, uniquePrefix } from "./redis.js";

redisTest("with Redis, an unencodable broadcast throws ERR_UNENCODABLE on the caller's node and reaches no node; the next one arrives", async (t) => {
  const prefix = uniquePrefix();
  const a = await redisNode(t, "a", prefix);
  const b = await redisNode(t, "b", prefix);
  const outcome = await websocketClientDriver.connect({ url: b.url, path: "/socket/websocket", params: { vsn: "2.0.0" } });
  if (!outcome.ok) throw new Error(`refused ${outcome.status}`);
  const client = outcome.connection;
  t.teardown(() => client.close());
  const read = async () => {
    const f = await client.receive(5000);
    return JSON.parse(f.opcode === "text" ? f.data : "null") as unknown[];
  };
  client.send({ opcode: "text", data: JSON.stringify(["1", "1", "room:r", "phx_join", {}]) });
  t.is((await read())[3], "phx_reply");
  // Nobody on node A subscribes: the broadcast is still checked there, before Redis sees it.
  t.is(t.throws(() => a.endpoint.broadcast("room:r", "bad", { n: 1n }), { instanceOf: FawkesError })?.code, "ERR_UNENCODABLE");
  a.endpoint.broadcast("room:r", "good", { n: 1 });
  t.deepEqual(await read(), [null, null, "room:r", "good", { n: 1 }], "the first broadcast to arrive is the good one");
});
