import test from "ava";
import { SerializerError, type FawkesError, type Serializer } from "@fawkes/core";
import { sockjs, refusalCloseCode, refusalStatus, coreCloseCode } from "@fawkes/sockjs";
import { sockjsClientDriver } from "@fawkes/sockjs/testing";
import { RawPollingSession } from "./raw.js";
import { startFixture, eventually } from "./fixture.js";

const driver = sockjsClientDriver({ transports: ["xhr-streaming"] });
const join = (topic: string, ref = "1") => JSON.stringify([ref, ref, topic, "phx_join", {}]);

const binarySerializer: Serializer = {
  name: "fake-binary",
  vsn: ["9.0.0"],
  binary: true,
  encode: () => ({ opcode: "binary", data: new Uint8Array([0]) }),
  fastlane: () => ({ opcode: "binary", data: new Uint8Array([0]) }),
  decode: () => {
    throw new SerializerError("ERR_MALFORMED_FRAME", "never");
  },
};

test("capabilities: text only, server push, client heartbeats", (t) => {
  const transport = sockjs();
  t.is(transport.kind, "sockjs");
  t.deepEqual(transport.capabilities, { binary: false, delivery: "push", heartbeats: "client" });
});

test("bad options throw ERR_BAD_OPTION", (t) => {
  t.is(t.throws<FawkesError>(() => sockjs({ timeout: 0 }))?.code, "ERR_BAD_OPTION");
  t.is(t.throws<FawkesError>(() => sockjs({ disconnectDelay: Number.NaN }))?.code, "ERR_BAD_OPTION");
});

test("refusal close codes map to HTTP statuses and back", (t) => {
  t.is(refusalCloseCode(403), 4403);
  t.is(refusalCloseCode(500), 4500);
  t.is(refusalCloseCode(200), 4403);
  t.is(refusalStatus(4401), 401);
  t.is(refusalStatus(1001), undefined);
  t.is(refusalStatus(4002), undefined);
});

test("a binary serializer is refused at connect with 4403", async (t) => {
  const f = await startFixture(t, {}, [binarySerializer]);
  t.deepEqual(await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "9.0.0" } }), { ok: false, status: 403 });
  t.is(f.connects.length, 0);
});

test("an unknown vsn is refused with 4403", async (t) => {
  const f = await startFixture(t);
  t.deepEqual(await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "7.0.0" } }), { ok: false, status: 403 });
});

test("a connect callback that throws closes with 4500", async (t) => {
  const f = await startFixture(t);
  t.deepEqual(await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0", crash: "1" } }), { ok: false, status: 500 });
});

test("a binary reply under JSON V2 is dropped with ERR_BINARY_UNSUPPORTED; the connection lives on", async (t) => {
  const f = await startFixture(t);
  const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" } });
  if (!outcome.ok) return t.fail();
  const c = outcome.connection;
  t.teardown(() => c.close());
  c.send({ opcode: "text", data: join("room:a") });
  await c.receive();
  c.send({ opcode: "text", data: JSON.stringify(["1", "2", "room:a", "binary", {}]) });
  c.send({ opcode: "text", data: JSON.stringify(["1", "3", "room:a", "echo", { after: true }]) });
  const next = JSON.parse((await c.receive()).data as string) as unknown[];
  t.is(next[1], "3");
  t.true(f.logged.some((l) => l.fields?.code === "ERR_BINARY_UNSUPPORTED"));
});

// The driver may or may not map wire codes back (3001 -> 1001); coreCloseCode reads both.
test("idle timeout closes with 1001 (3001 on the wire) and terminates channels", async (t) => {
  const f = await startFixture(t, { timeout: 1000 });
  const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" } });
  if (!outcome.ok) return t.fail();
  const c = outcome.connection;
  c.send({ opcode: "text", data: join("room:a") });
  await c.receive();
  const closed = await c.closed;
  t.is(coreCloseCode(closed.code!), 1001);
  t.true(await eventually(() => f.terminated.includes("closed")));
});

test("messages keep the idle timer alive", async (t) => {
  // Four messages 500 ms apart outlive a 1500 ms timeout only if each refreshes it (slack for a loaded machine).
  const f = await startFixture(t, { timeout: 1500 });
  const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" } });
  if (!outcome.ok) return t.fail();
  const c = outcome.connection;
  t.teardown(() => c.close());
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 500));
    c.send({ opcode: "text", data: JSON.stringify([null, String(i), "phoenix", "heartbeat", {}]) });
    t.is((JSON.parse((await c.receive()).data as string) as unknown[])[3], "phx_reply");
  }
  t.is(f.endpoint.connectionCount, 1);
});

test("an announced auth token that never comes closes with 4408", async (t) => {
  const f = await startFixture(t, { authTimeout: 200 });
  const raw = new RawPollingSession(f.base, "/socket/sockjs", undefined, "vsn=2.0.0&_auth=1");
  t.is(await raw.next(), "o");
  t.is(await raw.next(), 'c[4408,"ERR_AUTH_TIMEOUT: no auth token message"]');
  t.is(f.connects.length, 0);
});

test("raw protocol: ack, token, then Phoenix frames; a non-string message closes with 1007 (3007 on the wire)", async (t) => {
  const f = await startFixture(t);
  const raw = new RawPollingSession(f.base, "/socket/sockjs", undefined, "vsn=2.0.0&user_id=5&_auth=1");
  t.is(await raw.next(), "o");
  t.is(await raw.send("my-token", join("room:x")), 204);
  const [ack, joined] = await raw.messages(2);
  t.is(ack, "fawkes:open");
  t.is((JSON.parse(joined!) as unknown[])[3], "phx_reply");
  t.is(f.connects[0]!.authToken, "my-token");
  t.deepEqual(f.connects[0]!.params, { vsn: "2.0.0", user_id: "5" });
  t.is(await raw.sendRaw("[1]"), 204);
  t.is(await raw.next(), 'c[3007,"ERR_MALFORMED_FRAME"]');
  t.true(await eventually(() => f.terminated.includes("closed")));
});

test("a session that stops polling ends after disconnectDelay and terminates its channels", async (t) => {
  // Long enough that the polls setting the session up are not late on a loaded machine.
  const f = await startFixture(t, { disconnectDelay: 1500 });
  const raw = new RawPollingSession(f.base, "/socket/sockjs");
  t.is(await raw.next(), "o");
  await raw.send(join("room:v"));
  const [ack, joined] = await raw.messages(2);
  t.is(ack, "fawkes:open");
  t.is((JSON.parse(joined!) as unknown[])[3], "phx_reply");
  t.true(await eventually(() => f.terminated.includes("closed"), 6000));
  t.is(f.endpoint.connectionCount, 0);
});

test("a message body over maxFrameSize gets 413", async (t) => {
  const f = await startFixture(t, { maxFrameSize: 1024 });
  const raw = new RawPollingSession(f.base, "/socket/sockjs");
  t.is(await raw.next(), "o");
  t.is(await raw.send("x".repeat(2000)), 413);
});

test("cross-origin sub-transports answer 404 unless enabled", async (t) => {
  const off = await startFixture(t);
  t.is((await fetch(`${off.base}/socket/sockjs/iframe.html`)).status, 404);
  t.is((await fetch(`${off.base}/socket/sockjs/000/abc/jsonp?c=cb`)).status, 404);
  t.is((await fetch(`${off.base}/socket/sockjs/000/abc/htmlfile?c=cb`)).status, 404);
  const on = await startFixture(t, { crossOriginTransports: true, sockjsUrl: "/sockjs.js" });
  const page = await fetch(`${on.base}/socket/sockjs/iframe.html`);
  t.is(page.status, 200);
  t.true((await page.text()).includes("/sockjs.js"));
  const info = await fetch(`${on.base}/socket/sockjs/info`);
  t.is(info.status, 200);
});

test("endpoint close reaches the client as 1012 (3012 on the wire)", async (t) => {
  const f = await startFixture(t);
  const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" } });
  if (!outcome.ok) return t.fail();
  const closing = f.endpoint.close();
  t.is(coreCloseCode((await outcome.connection.closed).code!), 1012);
  await closing;
});

test("the raw WebSocket endpoint speaks the same handshake and sees the upgrade's headers", async (t) => {
  const { WebSocket } = await import("ws");
  const f = await startFixture(t);
  const open = (origin?: string) =>
    new Promise<{ messages: string[]; code: number }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${f.port}/socket/sockjs/websocket?vsn=2.0.0`, origin === undefined ? {} : { origin });
      const messages: string[] = [];
      ws.on("message", (data) => {
        messages.push(String(data));
        if (messages.length === 1) ws.send(join("room:raw"));
        if (messages.length === 2) ws.close(1000);
      });
      ws.on("close", (code) => resolve({ messages, code }));
    });
  const good = await open();
  t.is(good.messages[0], "fawkes:open");
  t.is((JSON.parse(good.messages[1]!) as unknown[])[3], "phx_reply");
  const evil = await open("http://evil.example");
  t.is(evil.code, 4403);
  t.deepEqual(evil.messages, []);
  t.is(f.connects.length, 1);
});
