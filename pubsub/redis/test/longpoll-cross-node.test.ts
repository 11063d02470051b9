// A LongPoll session lives on the node that opened it; requests that land on
// another node are relayed to it over the endpoint PubSub. Here that PubSub is
// a real Redis, as it would be behind a load balancer without sticky sessions.
import { longpoll } from "@fawkes/longpoll";
import { httpJson, type HttpAnswer } from "@fawkes/longpoll/testing";
import { redisNode } from "./nodes.js";
import { redisTest, sleep, uniquePrefix } from "./redis-test.js";

const SECRET = "redis-test-secret-redis-test-secret!";
const PATH = "/socket/longpoll";

function poll(base: string, token: string): Promise<HttpAnswer> {
  return httpJson("GET", `${base}${PATH}?vsn=2.0.0`, { accept: "application/json", "x-phoenix-longpoll-token": token });
}

function post(base: string, token: string, lines: readonly unknown[]): Promise<HttpAnswer> {
  return httpJson(
    "POST",
    `${base}${PATH}?vsn=2.0.0`,
    { "content-type": "application/x-ndjson", "x-phoenix-longpoll-token": token },
    lines.map((l) => JSON.stringify(l)).join("\n"),
  );
}

async function open(base: string): Promise<string> {
  const answer = await httpJson("GET", `${base}${PATH}?vsn=2.0.0`, { accept: "application/json" });
  if (answer.body?.status !== 410 || typeof answer.body.token !== "string") throw new Error(`not opened: ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}

/** Polls `base` until `count` messages came (at most `maxPolls` polls), returning them parsed. */
async function collect(base: string, token: string, count: number, maxPolls = 6): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < maxPolls && out.length < count; i++) {
    const answer = await poll(base, token);
    if (answer.body?.status === 200) for (const m of answer.body.messages as string[]) out.push(JSON.parse(m));
    else if (answer.body?.status !== 204) throw new Error(`poll answered ${JSON.stringify(answer.body)}`);
  }
  return out;
}

function sortByJson(values: unknown[]): unknown[] {
  return [...values].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

redisTest("a LongPoll session opened on node A is used through node B: POST and GET land on B", async (t) => {
  const prefix = uniquePrefix();
  const a = await redisNode(t, "lp-a", prefix, { longpoll: longpoll({ secret: SECRET, window: 1000 }) });
  const b = await redisNode(t, "lp-b", prefix, { longpoll: longpoll({ secret: SECRET, window: 1000 }) });
  const token = await open(a.url);
  const sent = await post(b.url, token, [
    ["1", "1", "room:lp", "phx_join", {}],
    ["1", "2", "room:lp", "echo", { via: "b" }],
  ]);
  t.deepEqual(sent.body, { status: 200 });
  const viaB = await collect(b.url, token, 3);
  // The join reply comes first; the `joined` push and the echo reply may swap.
  t.deepEqual(viaB[0], ["1", "1", "room:lp", "phx_reply", { status: "ok", response: { joined: "room:lp" } }]);
  t.deepEqual(
    sortByJson(viaB.slice(1)),
    sortByJson([
      ["1", "2", "room:lp", "phx_reply", { status: "ok", response: { via: "b" } }],
      ["1", null, "room:lp", "joined", { topic: "room:lp" }],
    ]),
  );
  // A poll waiting on B is answered as soon as A's session has something: here a
  // broadcast published on B, which crosses Redis to A, then back to B's poll.
  const waiting = poll(b.url, token);
  await sleep(100);
  b.endpoint.broadcast("room:lp", "new_msg", { n: 1 });
  const answer = await waiting;
  t.is(answer.body?.status, 200);
  t.deepEqual(
    (answer.body?.messages as string[] | undefined)?.map((m) => JSON.parse(m) as unknown),
    [[null, null, "room:lp", "new_msg", { n: 1 }]],
  );
  // And node A still serves its own session directly.
  t.deepEqual((await post(a.url, token, [["1", "3", "room:lp", "echo", { via: "a" }]])).body, { status: 200 });
  t.deepEqual(await collect(a.url, token, 1), [["1", "3", "room:lp", "phx_reply", { status: "ok", response: { via: "a" } }]]);
});
