import test from "ava";
import { CloseCode } from "@fawkes/core";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { WebSocket } from "ws";
import { call, open, startServer } from "./helpers.js";

test("the driver sends and receives binary frames as Uint8Array and text as string", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const connection = await open(t, server);
  t.deepEqual((await call(connection, ["1", "1", "room:b", "phx_join", {}]))[4], { status: "ok", response: { joined: "room:b" } });
  // V2 binary push: kind 0, join_ref "1", ref "2", topic "room:b", event "echo", payload
  const push = new Uint8Array([0, 1, 1, 6, 4, ...Buffer.from("12room:becho"), 0xde, 0xad]);
  connection.send({ opcode: "binary", data: push });
  const reply = await connection.receive();
  t.is(reply.opcode, "binary");
  t.is(reply.data.constructor, Uint8Array);
  t.deepEqual(reply.data, new Uint8Array([1, 1, 1, 6, 2, ...Buffer.from("12room:bok"), 0xde, 0xad]));
});

test("the driver's receive times out with an Error and closed reports the server's close code", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const connection = await open(t, server);
  await t.throwsAsync(connection.receive(50), { instanceOf: Error });
  const closing = server.endpoint.close();
  t.is((await connection.closed).code, CloseCode.ServiceRestart);
  await closing;
  await t.throwsAsync(connection.receive(50), { instanceOf: Error });
});

test("the driver rejects when nothing listens", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  await server.endpoint.close();
  await t.throwsAsync(websocketClientDriver.connect({ url: server.url, path: "/socket/websocket", params: { vsn: "2.0.0" } }));
});

test("endpoint close ends every connection promptly, even a client that never answers the close", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const deaf = new WebSocket(`ws://127.0.0.1:${server.port}/socket/websocket?vsn=2.0.0`);
  t.teardown(() => deaf.terminate());
  await new Promise((resolve, reject) => {
    deaf.once("open", resolve);
    deaf.once("error", reject);
  });
  deaf.pause();
  const started = Date.now();
  await server.endpoint.close();
  t.true(Date.now() - started < 1900, `took ${Date.now() - started} ms`);
  t.is(server.endpoint.connectionCount, 0);
});
