import test from "ava";
import { createServer } from "node:http";
import type { Duplex } from "node:stream";
import { Endpoint, silentLogger } from "@fawkes/core";
import { WebSocket } from "ws";
import { fixtureSocket, newRecord, start } from "./fixture.js";
import { answer, client, next } from "./phoenix.js";

test("fallback: the server refuses WebSocket upgrades (403); the client falls back to LongPoll and works", async (t) => {
  const s = await start({ window: 1000 }, { websocket: true });
  t.teardown(() => s.endpoint.close());
  const wsUrl = s.url.replace("http://", "ws://");
  const socket = client(wsUrl, { transport: WebSocket, longPollFallbackMs: 2000, params: { block_ws: "1" } }, t.teardown);
  const channel = socket.channel("room:fallback", {});
  t.deepEqual(await answer(channel.join(), 5000), { status: "ok", response: { joined: "room:fallback" } });
  t.deepEqual(s.record.transports.slice(0, 2), ["websocket", "longpoll"]);
  t.is(s.record.transports.at(-1), "longpoll");
  t.deepEqual(await answer(channel.push("echo", { via: "fallback" })), { status: "ok", response: { via: "fallback" } });
  const got = next(channel, "new_msg");
  s.endpoint.broadcast("room:fallback", "new_msg", { n: 1 });
  t.deepEqual(await got, { n: 1 });
});

test("fallback: the WebSocket upgrade is never answered; after longPollFallbackMs the client uses LongPoll", async (t) => {
  const record = newRecord();
  const server = createServer();
  // A black hole for upgrades, like a proxy that does not pass them on.
  const held = new Set<Duplex>();
  server.on("upgrade", (_req, socket: Duplex) => {
    held.add(socket);
  });
  const endpoint = new Endpoint({ logger: silentLogger }).socket("/socket", fixtureSocket({ window: 1000 }, record));
  await endpoint.attach(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.teardown(async () => {
    for (const socket of held) socket.destroy();
    await endpoint.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const port = (server.address() as { port: number }).port;
  const began = Date.now();
  const socket = client(`ws://127.0.0.1:${port}`, { transport: WebSocket, longPollFallbackMs: 300 }, t.teardown);
  const channel = socket.channel("room:blackhole", {});
  t.is((await answer(channel.join(), 5000)).status, "ok");
  t.true(Date.now() - began >= 300);
  t.true(held.size >= 1);
  t.deepEqual(record.transports, ["longpoll"]);
  t.deepEqual(await answer(channel.push("echo", { ok: 1 })), { status: "ok", response: { ok: 1 } });
});
