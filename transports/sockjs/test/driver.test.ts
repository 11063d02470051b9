import test from "ava";
import { sockjsClientDriver } from "@fawkes/sockjs/testing";
import { startFixture, eventually } from "./fixture.js";

const SUB_TRANSPORTS = ["websocket", "xhr-streaming", "xhr-polling", "eventsource"] as const;

for (const sub of SUB_TRANSPORTS) {
  const driver = sockjsClientDriver({ transports: [sub] });

  test(`${sub}: connect, join, echo over V2`, async (t) => {
    const f = await startFixture(t);
    const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0", user_id: "7" } });
    if (!outcome.ok) return t.fail(`refused ${outcome.status}`);
    const c = outcome.connection;
    t.teardown(() => c.close());
    c.send({ opcode: "text", data: JSON.stringify(["1", "1", "room:a", "phx_join", {}]) });
    t.deepEqual(JSON.parse((await c.receive()).data as string), ["1", "1", "room:a", "phx_reply", { status: "ok", response: { joined: "room:a" } }]);
    c.send({ opcode: "text", data: JSON.stringify(["1", "2", "room:a", "echo", { n: 1 }]) });
    t.deepEqual(JSON.parse((await c.receive()).data as string), ["1", "2", "room:a", "phx_reply", { status: "ok", response: { n: 1 } }]);
    t.deepEqual(f.connects[0]!.params, { vsn: "2.0.0", user_id: "7" });
  });

  test(`${sub}: auth token travels as the first message`, async (t) => {
    const f = await startFixture(t);
    const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" }, authToken: "tok=+/ é" });
    t.true(outcome.ok);
    if (outcome.ok) t.teardown(() => outcome.connection.close());
    t.is(f.connects[0]!.authToken, "tok=+/ é");
    t.false("_auth" in f.connects[0]!.params);
    t.false(f.connects[0]!.uri.includes("tok"));
  });

  test(`${sub}: a refused connect closes with 4403`, async (t) => {
    const f = await startFixture(t);
    const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0", reject: "1" } });
    t.deepEqual(outcome, { ok: false, status: 403 });
    t.is(f.connects.length, 1);
  });

  test(`${sub}: a foreign Origin is refused with 403`, async (t) => {
    const f = await startFixture(t);
    const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" }, headers: { origin: "http://evil.example" } });
    t.deepEqual(outcome, { ok: false, status: 403 });
    t.is(f.connects.length, 0);
  });

  test(`${sub}: client close terminates the channels`, async (t) => {
    const f = await startFixture(t);
    const outcome = await driver.connect({ url: f.base, path: "/socket/sockjs", params: { vsn: "2.0.0" } });
    if (!outcome.ok) return t.fail();
    const c = outcome.connection;
    c.send({ opcode: "text", data: JSON.stringify(["1", "1", "room:a", "phx_join", {}]) });
    await c.receive();
    await c.close();
    // A polling client's close reaches the server when its outstanding poll aborts,
    // or after disconnectDelay (5 s in the fixture) when none was outstanding.
    t.true(await eventually(() => f.terminated.includes("closed"), 8000));
    t.true(await eventually(() => f.endpoint.connectionCount === 0));
  });
}
