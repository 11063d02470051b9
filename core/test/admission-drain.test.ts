import test from "ava";
import { FawkesError, DEFAULT_CONNECT_RATE, DEFAULT_DRAIN, DEFAULT_MAX_CONNECTIONS, Endpoint, defineSocket, ok, type EndpointOptions } from "@fawkes/core";
import { jsonV2, connectMemory, memoryTransport, startMemoryEndpoint, type MemoryClient } from "./memory-transport.js";

async function setup(options: EndpointOptions = {}, connect?: () => Promise<boolean>) {
  const transport = memoryTransport();
  let userConnects = 0;
  const socket = defineSocket({
    serializers: [jsonV2],
    checkOrigin: ["//allowed.example"],
    connect: () => {
      userConnects++;
      return connect?.() ?? true;
    },
  })
    .transport("memory", transport)
    .channel("room:*", { join: () => ok() });
  const endpoint = await startMemoryEndpoint(socket, transport, options);
  const attempt = (headers: Record<string, string> = {}) => connectMemory(transport, { vsn: "2.0.0" }, headers);
  const open = async (): Promise<MemoryClient> => {
    const c = await attempt();
    if (!("inbox" in c)) throw new Error(`refused ${c.code}`);
    return c;
  };
  return { endpoint, attempt, open, userConnects: () => userConnects };
}

test("defaults are the documented values; bad options throw ERR_BAD_OPTION", (t) => {
  t.is(DEFAULT_MAX_CONNECTIONS, 19_000);
  t.deepEqual(DEFAULT_CONNECT_RATE, { perSecond: 2000, burst: 4000 });
  t.deepEqual(DEFAULT_DRAIN, { batchSize: 1000, intervalMs: 1000, maxMs: 30_000 });
  const endpoint = new Endpoint();
  t.is(endpoint.admission.maxConnections, 19_000);
  t.deepEqual(endpoint.admission.connectRate, DEFAULT_CONNECT_RATE);
  t.is(t.throws(() => new Endpoint({ maxConnections: 0 }), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
  t.is(t.throws(() => new Endpoint({ connectRate: { perSecond: -1, burst: 1 } }), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
  t.is(
    t.throws(
      () => {
        void endpoint.drain({ batchSize: 0 });
      },
      { instanceOf: FawkesError },
    )?.code,
    "ERR_BAD_OPTION",
  );
});

test("maxConnections: one more is refused 503 ERR_TOO_MANY_CONNECTIONS (retry after 5 s) before origin and the user's connect; attempts being decided count", async (t) => {
  let release!: () => void;
  const gate = new Promise<boolean>((resolve) => {
    release = () => resolve(true);
  });
  const { attempt, userConnects, endpoint } = await setup({ maxConnections: 2 }, () => gate);
  const first = attempt();
  const second = attempt();
  t.deepEqual(await attempt(), { status: 503, code: "ERR_TOO_MANY_CONNECTIONS", retryAfter: 5 }, "two still deciding fill the node");
  t.is(userConnects(), 2, "the refused attempt never reached connect");
  release();
  const a = await first;
  await second;
  t.is(endpoint.connectionCount, 2);
  t.like(await attempt(), { status: 503, code: "ERR_TOO_MANY_CONNECTIONS" });
  if (!("inbox" in a)) throw new Error("first was refused");
  a.disconnect();
  t.true("inbox" in (await attempt()), "a slot freed by a close is taken again");
});

test("connectRate: over the bucket is refused 503 ERR_CONNECT_RATE (retry after 1 s); admission runs before the origin check", async (t) => {
  const { attempt, open } = await setup({ connectRate: { perSecond: 0.001, burst: 2 } });
  t.like(await attempt({ origin: "https://evil.example" }), { status: 403, code: "ERR_ORIGIN" }, "a refused attempt still took a token");
  await open();
  t.deepEqual(
    await attempt({ origin: "https://evil.example" }),
    { status: 503, code: "ERR_CONNECT_RATE", retryAfter: 1 },
    "admission answers before the origin check",
  );
});

test("drain closes with 1012 in batches spread over the interval, refuses new connections with 503 ERR_DRAINING, resolves when all are closed", async (t) => {
  const { endpoint, open, attempt } = await setup();
  const clients = await Promise.all(Array.from({ length: 6 }, () => open()));
  const started = Date.now();
  const interval = 150;
  const done = endpoint.drain({ batchSize: 2, intervalMs: interval });
  t.is(endpoint.drain(), done, "a second call returns the same drain");
  const refused = await attempt();
  t.like(refused, { status: 503, code: "ERR_DRAINING" });
  t.true(((refused as { retryAfter?: number }).retryAfter ?? 0) >= 1);
  await done;
  t.is(endpoint.connectionCount, 0);
  for (const c of clients) t.deepEqual(c.closedWith, { code: 1012, reason: "draining" });
  const times = clients.map((c) => c.closedAt! - started).sort((x, y) => x - y);
  // Batch k closes within [k, k+1) intervals from the start: never early, whatever the load.
  t.true(times.filter((ms) => ms < interval).length <= 2, `at most one batch in the first interval: ${times.join(", ")}`);
  t.true(times.filter((ms) => ms < 2 * interval).length <= 4, `at most two batches in two intervals: ${times.join(", ")}`);
  t.true(times[5]! >= 2 * interval, `the last batch waited two intervals: ${times.join(", ")}`);
});

test("drain closes everything left at maxMs; endpoint.close during a drain ends it", async (t) => {
  const { endpoint, open } = await setup();
  const clients = await Promise.all(Array.from({ length: 5 }, () => open()));
  const started = Date.now();
  await endpoint.drain({ batchSize: 1, intervalMs: 10_000, maxMs: 100 });
  t.true(Date.now() - started < 5000, "did not wait for the batches");
  t.true(clients.every((c) => c.closedWith?.code === 1012));

  const second = await setup();
  const more = await Promise.all(Array.from({ length: 3 }, () => second.open()));
  const draining = second.endpoint.drain({ batchSize: 1, intervalMs: 10_000 });
  await second.endpoint.close();
  await draining;
  t.true(more.every((c) => c.closedWith?.code === 1012));
  t.is(second.endpoint.connectionCount, 0);
});
