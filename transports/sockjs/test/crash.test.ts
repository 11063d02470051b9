/**
 * Issue 9: no client can take the process down through sockjs. Each case runs
 * against a fixture server in a child process (a crash is its exit), on every
 * sub-transport it could touch, and ends by showing that a bystander client,
 * connected before the attack, is still served.
 */
import test from "ava";
import { startChild, type ChildServer } from "./child.js";
import { SUB_TRANSPORTS, openRaw, type RawClient, type SubTransport } from "./raw-clients.js";

const heartbeat = (ref: string) => JSON.stringify([null, ref, "phoenix", "heartbeat", {}]);
const refOf = (message: string) => (JSON.parse(message) as unknown[])[1];

/** A client past the Fawkes handshake. */
async function connected(sub: SubTransport, child: ChildServer, query = "vsn=2.0.0"): Promise<RawClient> {
  const c = await openRaw(sub, child.base, query);
  const [ack] = await c.messages(1);
  if (ack !== "fawkes:open") throw new Error(`expected the ack, got ${ack}`);
  return c;
}

/** The process is alive and `client` (connected earlier) still gets answers. */
async function stillServes(
  t: { true(v: boolean, m?: string): void; is(a: unknown, b: unknown, m?: string): void },
  child: ChildServer,
  client: RawClient,
): Promise<void> {
  t.true(child.alive(), `process died: ${child.stderr()}`);
  await client.send(heartbeat("after"));
  t.is(refOf((await client.messages(1))[0]!), "after", "bystander served");
}

let shared: ChildServer;
const teardowns: (() => void)[] = [];
test.before(async () => {
  shared = await startChild({ teardown: (fn) => teardowns.push(fn) });
});
test.after.always(() => {
  for (const fn of teardowns) fn();
});

for (const sub of SUB_TRANSPORTS) {
  test(`${sub}: a malformed frame closes that session with 1007 (3007 on the wire); the process lives on`, async (t) => {
    const bystander = await connected(sub, shared);
    t.teardown(() => bystander.close());
    const c = await connected(sub, shared);
    await c.send("[false]");
    t.deepEqual(await c.closed(), { code: 3007, reason: "ERR_MALFORMED_FRAME" });
    await stillServes(t, shared, bystander);
  });

  test(`${sub}: several messages in one frame are all delivered, in order`, async (t) => {
    const c = await connected(sub, shared);
    t.teardown(() => c.close());
    await c.send(heartbeat("1"), heartbeat("2"), heartbeat("3"));
    t.deepEqual((await c.messages(3)).map(refOf), ["1", "2", "3"]);
  });

  test(`${sub}: a frame whose first message closes the session: the rest is dropped, the process lives on`, async (t) => {
    const bystander = await connected(sub, shared);
    t.teardown(() => bystander.close());
    const c = await connected(sub, shared);
    await c.send("[false]", heartbeat("x"), heartbeat("y"));
    const first = await c.next();
    t.deepEqual(first, { kind: "close", code: 3007, reason: "ERR_MALFORMED_FRAME" });
    await stillServes(t, shared, bystander);
  });

  test(`${sub}: disconnect to the socket id closes with 1001 (3001 on the wire), no zombie`, async (t) => {
    const bystander = await connected(sub, shared, "vsn=2.0.0&user_id=bystander");
    t.teardown(() => bystander.close());
    const c = await connected(sub, shared, `vsn=2.0.0&user_id=gone-${sub}`);
    await c.send(JSON.stringify(["1", "1", "room:z", "phx_join", {}]));
    await c.messages(2); // join reply, then the fixture's `joined` push
    t.is(await shared.control("disconnect", { id: `user_socket:gone-${sub}` }), 200);
    t.is((await c.closed()).code, 3001);
    await stillServes(t, shared, bystander);
  });

  test(`${sub}: a refusal with a long reason keeps its code (4403) and a reason of at most 123 bytes`, async (t) => {
    const bystander = await connected(sub, shared);
    t.teardown(() => bystander.close());
    const c = await openRaw(sub, shared.base, `vsn=${"9".repeat(300)}`);
    const closed = await c.closed();
    t.is(closed.code, 4403);
    t.true(Buffer.byteLength(closed.reason) <= 123, `${Buffer.byteLength(closed.reason)} bytes`);
    t.true(closed.reason.startsWith("ERR_"));
    await stillServes(t, shared, bystander);
  });

  test(`${sub}: a silent client is closed after timeout with 1001 (3001 on the wire); the process lives on`, async (t) => {
    // Long enough that the fresh client below is served before its own idle close, even on a loaded machine.
    const child = await startChild(t, { timeout: 2000 });
    const c = await connected(sub, child);
    t.deepEqual(await c.closed(10_000), { code: 3001, reason: "idle timeout" });
    const after = await connected(sub, child);
    t.teardown(() => after.close());
    await stillServes(t, child, after);
  });

  test(`${sub}: SIGTERM closes the endpoint: clients get 1012 (3012 on the wire), the process exits 0`, async (t) => {
    const child = await startChild(t);
    const c = await connected(sub, child);
    await c.send(JSON.stringify(["1", "1", "room:term", "phx_join", {}]));
    await c.messages(1);
    child.signal("SIGTERM");
    t.is((await c.closed()).code, 3012);
    t.is(await child.exited, 0, child.stderr());
  });
}

for (const sub of ["raw-websocket", "websocket"] as const) {
  test(`${sub}: a binary WebSocket message closes that session with 1007 (3007); the process lives on`, async (t) => {
    const bystander = await connected(sub, shared);
    t.teardown(() => bystander.close());
    const c = await connected(sub, shared);
    await c.sendBinary(new TextEncoder().encode('["x"]'));
    t.deepEqual(await c.closed(), { code: 3007, reason: "ERR_MALFORMED_FRAME" });
    await stillServes(t, shared, bystander);
  });
}

test("xhr_send: a malformed body gets 500, an unknown session 404, a huge body 413; the session lives on", async (t) => {
  const c = await connected("xhr-polling", shared);
  t.teardown(() => c.close());
  const root = (session: string) => `${shared.base}/socket/sockjs/000/${session}/xhr_send`;
  const post = async (url: string, body: string) => {
    const res = await fetch(url, { method: "POST", body, headers: { "content-type": "text/plain" } });
    await res.arrayBuffer();
    return res.status;
  };
  const session = c.session;
  for (const body of ["", "[", "{}", "null", '"x"', "\u0000\u0001"]) t.is(await post(root(session), body), 500, JSON.stringify(body));
  t.is(await post(root("no-such-session"), JSON.stringify([heartbeat("1")])), 404);
  t.is(await post(root(session), "x".repeat(2 * 1024 * 1024)), 413);
  await stillServes(t, shared, c);
});
