import test from "ava";
import { FawkesError, PubSub, defineSocket, ok, silentLogger, type Broadcast, type ChannelSocket, type PubSubAdapter } from "@fawkes/core";
import { jsonV2, connectMemory, memoryTransport, startMemoryEndpoint, type MemoryClient } from "./memory-transport.js";

function deeplyNested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

async function setup() {
  const transport = memoryTransport();
  const socket = defineSocket({ serializers: [jsonV2] })
    .transport("memory", transport)
    .channel("room:*", {
      join: () => ok(),
      handleIn(event: string, payload: unknown, socket: ChannelSocket) {
        if (event === "bigint") socket.broadcast("new_msg", { n: 10n });
        else socket.broadcast("new_msg", payload);
        return ok();
      },
    });
  const endpoint = await startMemoryEndpoint(socket, transport);
  const connect = async (): Promise<MemoryClient> => {
    const c = await connectMemory(transport);
    if (!("inbox" in c)) throw new Error(`refused ${c.code}`);
    c.send(["1", "1", "room:1", "phx_join", {}]);
    await c.waitFor(1);
    return c;
  };
  return { endpoint, connect };
}

test("endpoint.broadcast of an unencodable payload throws ERR_UNENCODABLE with the cause; nobody gets it, later broadcasts flow", async (t) => {
  const { endpoint, connect } = await setup();
  const a = await connect();
  const b = await connect();
  for (const payload of [{ n: 1n }, deeplyNested(100_000)]) {
    const error = t.throws(() => endpoint.broadcast("room:1", "new_msg", payload), { instanceOf: FawkesError });
    t.is(error?.code, "ERR_UNENCODABLE");
    t.truthy(error?.cause, "the serializer's error is attached");
  }
  endpoint.broadcast("room:1", "new_msg", { fine: true });
  t.deepEqual((await a.waitFor(2))[1], [null, null, "room:1", "new_msg", { fine: true }]);
  t.deepEqual((await b.waitFor(2))[1], [null, null, "room:1", "new_msg", { fine: true }]);
  t.is(a.inbox.length, 2);
});

test("an unencodable broadcast throws even when nobody here subscribes to the topic", (t) => {
  return setup().then(({ endpoint }) => {
    t.is(t.throws(() => endpoint.broadcast("room:empty", "x", { n: 1n }), { instanceOf: FawkesError })?.code, "ERR_UNENCODABLE");
    t.is(t.throws(() => endpoint.localBroadcast("room:empty", "x", { n: 1n }), { instanceOf: FawkesError })?.code, "ERR_UNENCODABLE");
  });
});

test("socket.broadcast of an unencodable payload crashes the calling channel only; other subscribers get nothing", async (t) => {
  const { connect } = await setup();
  const sender = await connect();
  const other = await connect();
  sender.send(["1", "2", "room:1", "bigint", {}]);
  t.deepEqual((await sender.waitFor(2))[1], ["1", "1", "room:1", "phx_error", { reason: "channel_crash" }]);
  sender.send(["2", "3", "room:2", "phx_join", {}]);
  await sender.waitFor(3);
  other.send(["1", "4", "room:1", "new_msg", { after: true }]);
  t.deepEqual(
    (await other.waitFor(3)).slice(1).map((m) => m[3]),
    ["new_msg", "phx_reply"],
  );
  t.deepEqual(other.inbox[1], [null, null, "room:1", "new_msg", { after: true }]);
  t.false(
    other.inbox.some((m) => (m[4] as { n?: unknown } | null)?.n !== undefined),
    "the unencodable broadcast reached nobody",
  );
});

test("with an adapter the broadcast is checked before it is published", (t) => {
  const published: Broadcast[] = [];
  const adapter: PubSubAdapter = { start: async () => {}, publish: (b) => published.push(b), close: async () => {} };
  const pubsub = new PubSub(silentLogger, adapter);
  pubsub.validateWith(jsonV2);
  t.is(t.throws(() => pubsub.broadcast({ topic: "room:1", event: "x", payload: { n: 1n } }), { instanceOf: FawkesError })?.code, "ERR_UNENCODABLE");
  t.deepEqual(published, []);
  pubsub.broadcast({ topic: "room:1", event: "x", payload: { ok: true } });
  t.is(published.length, 1);
});

test("a broadcast from another node that cannot be encoded here is dropped once, logged, and does not stop later ones", async (t) => {
  let deliver: ((b: Broadcast) => void) | undefined;
  const adapter: PubSubAdapter = {
    start: async (_n, d) => {
      deliver = d;
    },
    publish: () => {},
    close: async () => {},
  };
  const errors: string[] = [];
  const pubsub = new PubSub({ ...silentLogger, error: (_m, f) => errors.push(String(f?.code)) }, adapter);
  await pubsub.start("n");
  const got: unknown[] = [];
  pubsub.subscribe("room:1", { serializer: jsonV2, deliver: (_b, lane) => got.push(lane.frameFor(jsonV2)) });
  pubsub.subscribe("room:1", { serializer: jsonV2, deliver: (_b, lane) => got.push(lane.frameFor(jsonV2)) });
  deliver!({ topic: "room:1", event: "x", payload: { n: 1n } });
  t.deepEqual(errors, ["ERR_UNENCODABLE"]);
  t.is(got.length, 0);
  deliver!({ topic: "room:1", event: "x", payload: {} });
  t.is(got.length, 2);
  t.is(got[0], got[1], "both share one fastlane frame");
});
