// Two nodes on Redis, each serving WebSocket and LongPoll, with a catch-all
// route that rebroadcasts every client event: the LongPoll relay topic
// (`phx:lp:<node>`, the node id readable in every session token) can be
// neither joined nor written to, and the relay still works.
import { relayTopic } from "@fawkes/longpoll";
import { httpJson } from "@fawkes/longpoll/testing";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { redisNode as node, redisTest, uniquePrefix } from "./redis.js";

const LP = "/socket/longpoll?vsn=2.0.0";
const poll = (url: string, token: string) => httpJson("GET", `${url}${LP}`, { "x-phoenix-longpoll-token": token });
const post = (url: string, token: string, lines: unknown[]) =>
  httpJson(
    "POST",
    `${url}${LP}`,
    { "content-type": "application/x-ndjson", "x-phoenix-longpoll-token": token },
    lines.map((l) => JSON.stringify(l)).join("\n"),
  );

async function frames(url: string, token: string, count: number): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (let i = 0; i < 10 && out.length < count; i++) {
    const answer = await poll(url, token);
    if (answer.body?.status === 200) for (const m of answer.body.messages as string[]) out.push(JSON.parse(m) as unknown[]);
  }
  return out;
}

redisTest("with a * route on two nodes, no client can join or write the LongPoll relay topic, and relaying still works", async (t) => {
  const prefix = uniquePrefix();
  const a = await node(t, "a", prefix);
  const b = await node(t, "b", prefix);
  // A victim's LongPoll session on node A; the owner's relay node id is in its token.
  const opened = await httpJson("GET", `${a.url}${LP}`);
  const token = opened.body?.token as string;
  const lpNode = (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString("utf8")) as string[])[2]!;
  const topic = relayTopic(lpNode);
  t.is(topic, `phx:lp:${lpNode}`);

  // An attacker on node B tries to join that topic and to push a forged dispatch on it.
  const outcome = await websocketClientDriver.connect({ url: b.url, path: "/socket/websocket", params: { vsn: "2.0.0" } });
  if (!outcome.ok) throw new Error(`attacker refused ${outcome.status}`);
  const attacker = outcome.connection;
  t.teardown(() => attacker.close());
  const send = (m: unknown[]) => attacker.send({ opcode: "text", data: JSON.stringify(m) });
  const receive = async () => {
    const f = await attacker.receive(5000);
    return JSON.parse(f.opcode === "text" ? f.data : "null") as unknown[];
  };
  const forged = { sid: "x", ref: "forged", from: "b-attacker", frames: [{ t: "text", d: JSON.stringify(["9", "9", "room:own", "phx_join", {}]) }] };
  send(["1", "1", topic, "phx_join", {}]);
  t.deepEqual(await receive(), [null, "1", topic, "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  send(["1", "2", topic, "dispatch", forged]);
  t.deepEqual(await receive(), [null, "2", topic, "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.is(a.endpoint.pubsub.subscriberCount(topic) + b.endpoint.pubsub.subscriberCount(topic), 0);

  // The victim uses its session through node B: the relay carries it, the attacker sees none of it.
  t.deepEqual(
    (
      await post(b.url, token, [
        ["1", "1", "room:v", "phx_join", {}],
        ["1", "2", "room:v", "secret", { sid: "hidden" }],
      ])
    ).body,
    { status: 200 },
  );
  const got = await frames(b.url, token, 3);
  t.deepEqual(
    got.map((m) => m[3]),
    ["phx_reply", "secret", "phx_reply"],
  );
  t.deepEqual(got[1], [null, null, "room:v", "secret", { sid: "hidden" }]);
  // A heartbeat round trip: the attacker's next frame is its own answer, nothing relayed came first.
  send([null, "3", "phoenix", "heartbeat", {}]);
  t.deepEqual(await receive(), [null, "3", "phoenix", "phx_reply", { status: "ok", response: {} }]);
});
