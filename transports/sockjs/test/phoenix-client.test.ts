import test from "ava";
import { Socket, type Channel, type Push } from "phoenix";
import { sockjsTransport } from "@fawkes/sockjs/client";
import { startFixture, eventually } from "./fixture.js";

/** Sub-transports sockjs-client can use in Node; each gets the full Phoenix walk-through. */
const SUB_TRANSPORTS = ["websocket", "xhr-streaming", "xhr-polling", "eventsource"] as const;

function reply(push: Push): Promise<{ status: string; response: unknown }> {
  return new Promise((resolve, reject) => {
    push
      .receive("ok", (response: unknown) => resolve({ status: "ok", response }))
      .receive("error", (response: unknown) => resolve({ status: "error", response }))
      .receive("timeout", () => reject(new Error("push timed out")));
  });
}

function nextEvent(channel: Channel, event: string): Promise<unknown> {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload: unknown) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

for (const sub of SUB_TRANSPORTS) {
  test(`phoenix client over ${sub}: join, push/reply, broadcast, leave, server disconnect`, async (t) => {
    const f = await startFixture(t);
    const socket = new Socket(`${f.base}/socket`, {
      transport: sockjsTransport({ transports: [sub] }),
      params: { user_id: "u1" },
      authToken: "secret-token",
      reconnectAfterMs: () => 60_000,
      timeout: 3000,
    });
    t.teardown(() => socket.disconnect());
    const closes: number[] = [];
    socket.onClose((event) => {
      closes.push(event.code);
    });
    socket.connect();

    const channel = socket.channel("room:lobby", {});
    t.deepEqual(await reply(channel.join()), { status: "ok", response: { joined: "room:lobby" } });
    t.is(f.connects[0]!.authToken, "secret-token");
    t.is(f.connects[0]!.params.vsn, "2.0.0");

    t.deepEqual(await reply(channel.push("echo", { hello: "world" })), { status: "ok", response: { hello: "world" } });

    const pushed = nextEvent(channel, "pushed");
    t.deepEqual(await reply(channel.push("push", { p: 1 })), { status: "ok", response: {} });
    t.deepEqual(await pushed, { p: 1 });

    const fromChannel = nextEvent(channel, "new_msg");
    t.deepEqual(await reply(channel.push("broadcast", { b: 1 })), { status: "ok", response: {} });
    t.deepEqual(await fromChannel, { b: 1 });
    const fromServer = nextEvent(channel, "new_msg");
    f.endpoint.broadcast("room:lobby", "new_msg", { b: 2 });
    t.deepEqual(await fromServer, { b: 2 });

    t.deepEqual(await reply(channel.leave()), { status: "ok", response: {} });
    t.true(await eventually(() => f.terminated.includes("left")));

    const second = socket.channel("room:two", {});
    t.is((await reply(second.join())).status, "ok");
    f.endpoint.broadcast("user_socket:u1", "disconnect", {});
    t.true(await eventually(() => closes.length > 0));
    t.is(closes[0], 1001);
    t.true(await eventually(() => f.terminated.includes("closed")));
  });
}

test("phoenix client: a refused connection never reports open and closes with 4403", async (t) => {
  const f = await startFixture(t);
  const socket = new Socket(`${f.base}/socket`, {
    transport: sockjsTransport({ transports: ["xhr-streaming"] }),
    params: { reject: "1" },
    reconnectAfterMs: () => 60_000,
  });
  t.teardown(() => socket.disconnect());
  let opened = false;
  const closes: number[] = [];
  socket.onOpen(() => {
    opened = true;
  });
  socket.onClose((event) => {
    closes.push(event.code);
  });
  socket.connect();
  t.true(await eventually(() => closes.length > 0));
  t.is(closes[0], 4403);
  t.false(opened);
});

for (const sub of ["websocket", "xhr-streaming"] as const) {
  test(`phoenix client over ${sub}: endpoint close arrives as 1012 (3012 on the wire, mapped back by the adapter)`, async (t) => {
    const f = await startFixture(t);
    const socket = new Socket(`${f.base}/socket`, { transport: sockjsTransport({ transports: [sub] }), reconnectAfterMs: () => 60_000 });
    t.teardown(() => socket.disconnect());
    const closes: number[] = [];
    socket.onClose((event) => {
      closes.push(event.code);
    });
    socket.connect();
    t.is((await reply(socket.channel("room:end", {}).join())).status, "ok");
    await f.endpoint.close();
    t.true(await eventually(() => closes.length > 0));
    t.is(closes[0], 1012);
  });
}
