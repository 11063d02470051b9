import test from "ava";
import type { Broadcast, PubSubAdapter } from "@fawkes/core";
import { start, sleep, until } from "./fixture.js";
import { collect, open, poll, post } from "./raw.js";

/**
 * A PubSub "network" in one process: every adapter on the bus hands its
 * broadcasts to every other started adapter, JSON round-tripped and a tick
 * later, as a real adapter (Redis) would. `partitioned` drops everything.
 */
class TestBus {
  partitioned = false;
  private readonly nodes = new Map<string, (b: Broadcast) => void>();

  adapter(): PubSubAdapter {
    let name = "";
    return {
      start: async (node, deliver) => {
        name = node;
        this.nodes.set(node, deliver);
      },
      publish: (broadcast) => {
        if (this.partitioned) return;
        const wire = JSON.stringify(broadcast);
        for (const [node, deliver] of this.nodes) if (node !== name) setImmediate(() => deliver(JSON.parse(wire) as Broadcast));
      },
      close: async () => {
        this.nodes.delete(name);
      },
    };
  }
}

async function twoNodes(window: number) {
  const bus = new TestBus();
  const a = await start({ window }, { pubsub: bus.adapter() });
  const b = await start({ window }, { pubsub: bus.adapter() });
  return {
    bus,
    a,
    b,
    close: async () => {
      await a.endpoint.close();
      await b.endpoint.close();
    },
  };
}

const join = (topic: string) => ["1", "1", topic, "phx_join", {}];

test("a session opened on node A is reached by POSTs and GETs that land on node B", async (t) => {
  const { a, b, close } = await twoNodes(2000);
  t.teardown(close);
  const token = await open(a.url);
  t.deepEqual((await post(b.url, token, [join("room:x"), ["1", "2", "room:x", "echo", { via: "b" }]])).body, { status: 200 });
  t.deepEqual(a.record.joins, ["room:x"]);
  t.deepEqual(b.record.joins, []);
  const viaB = await collect(b.url, token, 3);
  t.deepEqual(viaB.slice(0, 2), [
    ["1", "1", "room:x", "phx_reply", { status: "ok", response: { joined: "room:x" } }],
    ["1", "2", "room:x", "phx_reply", { status: "ok", response: { via: "b" } }],
  ]);
  // A poll waiting on B is answered as soon as A has something.
  const waiting = poll(b.url, token);
  await sleep(50);
  a.endpoint.broadcast("room:x", "new_msg", { n: 1 });
  const answer = await waiting;
  t.is(answer.body?.status, 200);
  t.is(answer.body?.token, token);
  t.deepEqual(
    (answer.body?.messages as string[] | undefined)?.map((m) => JSON.parse(m)),
    [[null, null, "room:x", "new_msg", { n: 1 }]],
  );
  // And the owner still serves it directly.
  t.deepEqual((await post(a.url, token, [["1", "3", "room:x", "echo", {}]])).body, { status: 200 });
  t.is(Array.isArray((await collect(a.url, token, 1))[0]), true);
});

test("a relayed poll that times out answers 204 and loses nothing buffered afterwards", async (t) => {
  const { a, b, close } = await twoNodes(400);
  t.teardown(close);
  const token = await open(a.url);
  await post(a.url, token, [join("room:y")]);
  await collect(a.url, token, 2);
  t.deepEqual((await poll(b.url, token)).body, { status: 204, token, messages: [] });
  a.endpoint.broadcast("room:y", "new_msg", { kept: true });
  const got = await collect(b.url, token, 1);
  t.deepEqual(got, [[null, null, "room:y", "new_msg", { kept: true }]]);
});

test("polls relayed from another node keep the session alive", async (t) => {
  const { a, b, close } = await twoNodes(500);
  t.teardown(close);
  const token = await open(a.url);
  await post(a.url, token, [join("room:alive")]);
  for (let i = 0; i < 4; i++) t.not((await poll(b.url, token)).body?.status, 410);
  t.deepEqual(a.record.terminations, []);
});

test("a session that ended on its node is gone (410) when reached from another node", async (t) => {
  const { a, b, close } = await twoNodes(5000);
  t.teardown(close);
  const token = await open(a.url, "vsn=2.0.0&user_id=gone");
  await post(a.url, token, [join("room:z")]);
  a.endpoint.localBroadcast("user_socket:gone", "disconnect", {});
  t.true(await until(() => a.record.terminations.includes("room:z:closed")));
  const began = Date.now();
  t.deepEqual((await poll(b.url, token)).body, { status: 410 });
  t.deepEqual((await post(b.url, token, [join("room:z")])).body, { status: 410 });
  t.true(Date.now() - began < 1500, "the owner answered; the 2 s no-answer timeout was not needed");
});

test("when the owner node does not answer: POST 408 and GET 410 after the window", async (t) => {
  const { bus, a, b, close } = await twoNodes(150);
  t.teardown(close);
  const token = await open(a.url);
  bus.partitioned = true;
  const began = Date.now();
  t.deepEqual((await post(b.url, token, [join("room:p")])).body, { status: 408 });
  t.true(Date.now() - began >= 140);
  t.deepEqual((await poll(b.url, token)).body, { status: 410 });
  t.deepEqual(a.record.joins, []);
});
