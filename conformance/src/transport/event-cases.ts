import { comparable } from "../comparable.js";
import type { TransportCase } from "./case.js";

const PAYLOAD = { body: "héllo 👋", nested: { list: [1, "two", null, { deep: true }] } };

/** Channel events: replies, pushes, broadcasts, ordering. */
export const eventCases: readonly TransportCase[] = [
  {
    name: "event on a topic not joined replies unmatched topic",
    async run({ client }) {
      const c = await client();
      const ref = c.push("room:never", "echo", { a: 1 }, null);
      await c.expectReply("room:never", ref, null, "error", { reason: "unmatched topic" }, "unmatched event reply");
    },
  },
  {
    name: "echo replies ok with the same payload",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:echo");
      await c.echo("room:echo", joinRef, PAYLOAD, "echo reply");
      await c.echo("room:echo", joinRef, {}, "empty echo reply");
    },
  },
  {
    name: "push arrives before the reply",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:push");
      const ref = c.push("room:push", "push", PAYLOAD, joinRef);
      await c.expect({ topic: "room:push", event: "pushed", joinRef, ref: null, payload: PAYLOAD }, "the push comes first");
      await c.expectReply("room:push", ref, joinRef, "ok", {}, "then the reply");
    },
  },
  {
    name: "error_reply replies error {reason: requested}",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:err");
      const ref = c.push("room:err", "error_reply", {}, joinRef);
      await c.expectReply("room:err", ref, joinRef, "error", { reason: "requested" }, "error reply");
    },
  },
  {
    name: "broadcast reaches two clients",
    async run({ t, client }) {
      const a = await client();
      const b = await client();
      const ja = await a.join("room:bc");
      await b.join("room:bc");
      const ref = a.push("room:bc", "broadcast", PAYLOAD, ja);
      const got = await a.collect(2);
      const broadcast = { topic: "room:bc", event: "new_msg", joinRef: null, ref: null, payload: PAYLOAD };
      const reply = { topic: "room:bc", event: "phx_reply", joinRef: a.jr(ja), ref, payload: { status: "ok", response: {} } };
      const byEvent = (list: readonly object[]) =>
        list.map(comparable).sort((x, y) => String((x as { event: string }).event).localeCompare(String((y as { event: string }).event)));
      const sorted = byEvent(got);
      const want = byEvent([broadcast, reply]);
      t.deepEqual(sorted, want, "the sender gets the broadcast and its reply");
      await b.expect(broadcast, "the other client gets the broadcast");
    },
  },
  {
    name: "broadcast_from excludes the sender",
    async run({ client }) {
      const a = await client();
      const b = await client();
      const ja = await a.join("room:bf");
      await b.join("room:bf");
      const ref = a.push("room:bf", "broadcast_from", PAYLOAD, ja);
      await a.expectReply("room:bf", ref, ja, "ok", {}, "the sender gets only its reply");
      await b.expect({ topic: "room:bf", event: "new_msg", joinRef: null, ref: null, payload: PAYLOAD }, "the other client gets the broadcast");
      await a.echo("room:bf", ja, { after: true }, "nothing else reached the sender");
    },
  },
  {
    name: "shout is intercepted and pushed with the transport name",
    async run({ t, client, options }) {
      const a = await client();
      const b = await client();
      const ja = await a.join("room:shout");
      const jb = await b.join("room:shout");
      a.push("room:shout", "shout", { body: "hey" }, ja);
      const intercepted = { body: "hey", intercepted: true, transport: options.name };
      await b.expect({ topic: "room:shout", event: "shouted", joinRef: jb, ref: null, payload: intercepted }, "the intercepted push");
      const got = (await a.collect(2)).map((m) => m.event).sort();
      t.deepEqual(got, ["phx_reply", "shouted"], "the sender gets its reply and its own intercepted push");
    },
  },
  {
    name: "slow reply comes later while another channel answers meanwhile",
    async run({ client }) {
      const c = await client();
      const slowJoin = await c.join("room:slow");
      const fastJoin = await c.join("room:fast");
      const slow = c.push("room:slow", "slow", { ms: 300 }, slowJoin);
      await c.echo("room:fast", fastJoin, { first: true }, "the other channel answers first");
      await c.expectReply("room:slow", slow, slowJoin, "ok", {}, "the slow reply arrives later");
    },
  },
  {
    name: "pipelined events are answered in order",
    async run({ client }) {
      const c = await client();
      // The join is pipelined too: later frames wait for it.
      const joinRef = c.sendJoin("room:order");
      const refs: string[] = [];
      for (let i = 0; i < 40; i++) refs.push(c.push("room:order", "echo", { i }, joinRef));
      await c.expectReply("room:order", joinRef, joinRef, "ok", { joined: "room:order" }, "join reply first");
      await c.expect({ topic: "room:order", event: "joined", joinRef, ref: null, payload: { topic: "room:order" } }, "joined push");
      for (let i = 0; i < refs.length; i++) await c.expectReply("room:order", refs[i]!, joinRef, "ok", { i }, `reply ${i} in order`);
    },
  },
  {
    name: "events with a stale join_ref are dropped",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:stale");
      c.push("room:stale", "echo", { stale: true }, "999999");
      await c.echo("room:stale", joinRef, { current: true }, "only the current join_ref is answered");
    },
  },
  {
    name: "binary payload echoes back as binary",
    skip: (o, e) =>
      !o.capabilities.binary
        ? "transport declares binary: false"
        : e.binaryPayloads !== true
          ? `serializer ${e.serializer.name} has no binary payloads`
          : undefined,
    async run({ t, client }) {
      const c = await client();
      const joinRef = await c.join("room:bin");
      for (const bytes of [Uint8Array.from({ length: 256 }, (_, i) => i), new Uint8Array(0)]) {
        const ref = c.push("room:bin", "echo", bytes, joinRef);
        const m = await c.next();
        t.true((m.payload as { response?: unknown } | null)?.response instanceof Uint8Array, "the reply's response is binary");
        t.deepEqual(
          comparable(m),
          comparable({ joinRef: c.jr(joinRef), ref, topic: "room:bin", event: "phx_reply", payload: { status: "ok", response: bytes } }),
        );
      }
    },
  },
];
