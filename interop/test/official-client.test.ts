// The official phoenix client (npm `phoenix`, with ws's WebSocket in Node) against a
// Fawkes server running the conformance fixture app, for vsn 1.0.0 and 2.0.0.
import test, { type ExecutionContext } from "ava";
import { startFixtureServer } from "@fawkes/conformance";
import { Endpoint, defineSocket, ok, silentLogger } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { phoenixSocket, receive, nextEvent, within, type Vsn } from "./phoenix-client.js";

async function fixture(t: { teardown(fn: () => unknown): void }) {
  const server = await startFixtureServer({ transports: { websocket: websocket() }, serializers: [jsonV2, jsonV1], logger: silentLogger });
  t.teardown(() => server.close());
  return server;
}

for (const vsn of ["1.0.0", "2.0.0"] as Vsn[]) {
  const connected = async (t: ExecutionContext, params: Record<string, unknown> = {}, options: Record<string, unknown> = {}) => {
    const server = await fixture(t);
    const socket = phoenixSocket(server.url, vsn, { params, ...options });
    t.teardown(() => socket.disconnect());
    const opened = new Promise<void>((resolve) => socket.onOpen(() => resolve()));
    socket.connect();
    await within(opened, 3000, "open");
    return { server, socket };
  };

  test(`${vsn}: join ok and refused, push with reply, error reply, leave`, async (t) => {
    const { socket } = await connected(t, { user_id: "1" });
    const room = socket.channel("room:lobby", {});
    const joinedPush = nextEvent(room, "joined");
    t.deepEqual(await receive(room.join()), { joined: "room:lobby" });
    t.deepEqual(await joinedPush, { topic: "room:lobby" });
    t.deepEqual(await receive(room.push("echo", { hello: "wörld", n: [1, 2] })), { hello: "wörld", n: [1, 2] });
    t.deepEqual(await receive(room.push("error_reply", {}), "error"), { reason: "requested" });
    const pushed = nextEvent(room, "pushed");
    t.deepEqual(await receive(room.push("push", { x: 1 })), {});
    t.deepEqual(await pushed, { x: 1 });
    t.deepEqual(await receive(socket.channel("private:1", {}).join(), "error"), { reason: "unauthorized" });
    t.deepEqual(await receive(socket.channel("room:2", { reject: true }).join(), "error"), { reason: "unauthorized" });
    const closed = new Promise<void>((resolve) => room.onClose(() => resolve()));
    t.deepEqual(await receive(room.leave()), {});
    await within(closed, 2000, "channel close");
    t.is(room.state, "closed");
  });

  test(`${vsn}: a broadcast reaches two clients; broadcast_from skips the sender; intercepted events`, async (t) => {
    const { server, socket: a } = await connected(t);
    const b = phoenixSocket(server.url, vsn);
    t.teardown(() => b.disconnect());
    b.connect();
    const ra = a.channel("room:bc", {});
    const rb = b.channel("room:bc", {});
    await receive(ra.join());
    await receive(rb.join());
    const gotA = nextEvent(ra, "new_msg");
    const gotB = nextEvent(rb, "new_msg");
    await receive(ra.push("broadcast", { body: "hi all" }));
    t.deepEqual(await within(Promise.all([gotA, gotB]), 2000, "broadcast"), [{ body: "hi all" }, { body: "hi all" }]);
    let aGotFrom = false;
    ra.on("new_msg", () => {
      aGotFrom = true;
    });
    const fromB = nextEvent(rb, "new_msg");
    await receive(ra.push("broadcast_from", { body: "not me" }));
    t.deepEqual(await within(fromB, 2000, "broadcast_from"), { body: "not me" });
    const shouted = nextEvent(rb, "shouted");
    await receive(ra.push("shout", { body: "loud" }));
    t.deepEqual(await within(shouted, 2000, "intercepted"), { body: "loud", intercepted: true, transport: "websocket" });
    t.false(aGotFrom);
  });

  test(`${vsn}: heartbeats are answered and the connection stays up`, async (t) => {
    // The client closes when a reply misses the next beat: 1 s leaves room for a loaded
    // 2-core machine (at 200 ms, an event-loop stall of a fifth of a second failed it).
    const { socket } = await connected(t, {}, { heartbeatIntervalMs: 1000 });
    let closes = 0;
    socket.onClose(() => {
      closes++;
    });
    const threeReplies = new Promise<number>((resolve) => {
      let replies = 0;
      socket.onMessage((message: object) => {
        const m = message as { topic: string; event: string; payload: { status?: string } };
        if (m.topic === "phoenix" && m.event === "phx_reply" && m.payload.status === "ok" && ++replies === 3) resolve(replies);
      });
    });
    t.is(await within(threeReplies, 10_000, "three heartbeat replies"), 3);
    t.is(closes, 0);
  });

  test(`${vsn}: a crashing channel errors on the client, which rejoins; the socket lives on`, async (t) => {
    const { socket } = await connected(t);
    const room = socket.channel("room:crash", {});
    const other = socket.channel("room:other", {});
    await receive(room.join());
    await receive(other.join());
    const errored = new Promise<void>((resolve) => room.onError(() => resolve()));
    const rejoined = new Promise<void>((resolve) => {
      let n = 0;
      room.on("joined", () => {
        if (++n === 1) resolve();
      });
    });
    room.push("crash", {});
    await within(errored, 2000, "phx_error");
    await within(rejoined, 3000, "rejoin");
    t.deepEqual(await receive(room.push("echo", { back: true })), { back: true });
    t.deepEqual(await receive(other.push("echo", { other: true })), { other: true });
  });

  test(`${vsn}: the disconnect broadcast closes the socket; the client reconnects and rejoins`, async (t) => {
    const { server, socket } = await connected(t, { user_id: "42" });
    const room = socket.channel("room:dc", {});
    await receive(room.join());
    const closed = new Promise<number>((resolve) => socket.onClose((e: { code: number }) => resolve(e.code)));
    const rejoined = nextEvent(room, "joined");
    const res = await fetch(`${server.url}/fixture/disconnect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "user_socket:42" }),
    });
    t.is(res.status, 200);
    t.is(await within(closed, 2000, "close"), 1001);
    t.deepEqual(await within(rejoined, 3000, "rejoin after reconnect"), { topic: "room:dc" });
    t.deepEqual(await receive(room.push("echo", { again: 1 })), { again: 1 });
  });
}

test("2.0.0: binary (ArrayBuffer) push gets a binary reply; a binary broadcast arrives as ArrayBuffer", async (t) => {
  const server = await fixture(t);
  const socket = phoenixSocket(server.url, "2.0.0");
  t.teardown(() => socket.disconnect());
  socket.connect();
  const room = socket.channel("room:bin", {});
  await receive(room.join());
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  const reply = await receive(room.push("echo", bytes.buffer as never));
  t.true(reply instanceof ArrayBuffer);
  t.deepEqual(Array.from(new Uint8Array(reply as ArrayBuffer)), [0, 1, 2, 250, 255]);
  const got = nextEvent(room, "blob");
  server.endpoint.broadcast("room:bin", "blob", new Uint8Array([9, 8, 7]));
  const payload = await within(got, 2000, "binary broadcast");
  t.true(payload instanceof ArrayBuffer);
  t.deepEqual(Array.from(new Uint8Array(payload as ArrayBuffer)), [9, 8, 7]);
});

test("params and authToken reach connect; a refused connect makes the client retry, never join", async (t) => {
  const seen: unknown[] = [];
  const userSocket = defineSocket({
    serializers: [jsonV2],
    connect(params, socket, info) {
      seen.push({ params: JSON.parse(JSON.stringify(params)), token: info.authToken });
      if (info.authToken !== "s3cr3t-token") return false;
      socket.assign("user", params.user);
      return true;
    },
  })
    .transport("websocket", websocket())
    .channel("me", { join: (_topic, _payload, socket) => ok({ user: socket.assigns.user }) });
  const endpoint = new Endpoint({ logger: silentLogger }).socket("/socket", userSocket);
  const port = await endpoint.listen(0, "127.0.0.1");
  t.teardown(() => endpoint.close());
  const good = phoenixSocket(`http://127.0.0.1:${port}`, "2.0.0", { params: { user: { name: "ada", tags: ["x", "y"] } }, authToken: "s3cr3t-token" });
  t.teardown(() => good.disconnect());
  good.connect();
  t.deepEqual(await receive(good.channel("me", {}).join()), { user: { name: "ada", tags: { "0": "x", "1": "y" } } });
  t.like(seen[0], { params: { vsn: "2.0.0", user: { name: "ada", tags: { "0": "x", "1": "y" } } }, token: "s3cr3t-token" });

  const bad = phoenixSocket(`http://127.0.0.1:${port}`, "2.0.0", { authToken: "forged" });
  t.teardown(() => bad.disconnect());
  let opened = false;
  bad.onOpen(() => {
    opened = true;
  });
  const errored = new Promise<void>((resolve) => bad.onError(() => resolve()));
  bad.connect();
  await within(errored, 2000, "refused connect");
  t.false(opened);
});
