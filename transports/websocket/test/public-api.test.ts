// The transport uses only ws's public API: every server-side ws WebSocket it is
// handed here throws on (and records) any read or write of an `_`-prefixed
// property, while ws's own code goes on using the real object. A `ws` release
// may rename any such field; a transport that read one would break on it.
import test from "ava";
import { WebSocket, WebSocketServer } from "ws";
import { websocket } from "@fawkes/websocket";
import { eventually, openRawClient, startServer, type TestServer } from "./helpers.js";

/** Every private access the transport made, as "get _name" / "set _name"; shared by the whole file. */
const privateAccesses: string[] = [];

/**
 * `ws` behind a tripwire: a `_` property access through it records itself and
 * throws (a throw alone could be swallowed by a guarded listener). Methods and
 * getters run on the real object, so ws's internals never see the proxy.
 */
function guardPrivate(ws: WebSocket): WebSocket {
  const trip = (what: string): never => {
    privateAccesses.push(what);
    throw Object.assign(new Error(`the transport touched ws's private ${what}`), { code: "ERR_TEST_PRIVATE_FIELD" });
  };
  return new Proxy(ws, {
    get(target, key) {
      if (typeof key === "string" && key.startsWith("_")) trip(`get ${key}`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(target, key, value) {
      if (typeof key === "string" && key.startsWith("_")) trip(`set ${key}`);
      return Reflect.set(target, key, value, target);
    },
    has(target, key) {
      if (typeof key === "string" && key.startsWith("_")) trip(`has ${key}`);
      return Reflect.has(target, key);
    },
  });
}

// This file runs in its own worker: the patch reaches only the servers started here.
const handleUpgrade = WebSocketServer.prototype.handleUpgrade;
WebSocketServer.prototype.handleUpgrade = function (this: WebSocketServer, req, socket, head, callback) {
  return handleUpgrade.call(this, req, socket, head, (ws, request) => callback(guardPrivate(ws), request));
} as WebSocketServer["handleUpgrade"];

interface Client {
  ws: WebSocket;
  inbox: string[];
  closed: Promise<{ code: number; reason: string }>;
}

async function joined(t: { teardown(fn: () => void): void }, server: TestServer, topic: string, perMessageDeflate: boolean): Promise<Client> {
  const { ws, closed } = await openRawClient(t, server, { perMessageDeflate });
  const inbox: string[] = [];
  ws.on("message", (data: Buffer) => inbox.push(data.toString()));
  ws.send(JSON.stringify(["1", "1", topic, "phx_join", {}]));
  if (!(await eventually(() => inbox.length === 1, 3000))) throw new Error("no join reply");
  inbox.length = 0;
  return { ws, inbox, closed };
}

const event = (raw: string) => (JSON.parse(raw) as unknown[])[3];

test.serial("the tripwire catches a private read (so the tests below can fail)", (t) => {
  const ws = guardPrivate(new WebSocket(null as never, undefined, {} as never) as WebSocket);
  const error = t.throws(() => (ws as unknown as { _socket: unknown })._socket);
  t.is((error as Error & { code?: string }).code, "ERR_TEST_PRIVATE_FIELD");
  t.deepEqual(privateAccesses.splice(0), ["get _socket"]);
  t.is(ws.readyState, WebSocket.CONNECTING, "public getters still work through it");
});

for (const compress of [false, true]) {
  const path = compress ? "ws.send (permessage-deflate)" : "the direct path";
  test.serial(`${path}: replies, pushes, broadcasts, back-pressure, a slow-consumer cut-off and closes touch no private ws field`, async (t) => {
    privateAccesses.length = 0;
    const server = await startServer(t, {
      websocket: websocket({ compress, maxBufferedBytes: 64 * 1024, hardMaxBufferedBytes: 256 * 1024, slowConsumerGraceMs: 60_000 }),
    });
    const sender = await joined(t, server, "room:api", compress);
    const other = await joined(t, server, "room:api", compress);
    const paused = await joined(t, server, "room:slow", compress);
    t.is(sender.ws.extensions, compress ? "permessage-deflate" : "", "the path this case means to cover");

    // A reply behind 50 pushes and 50 broadcasts (corked, shared frames), in order.
    sender.ws.send(JSON.stringify(["1", "2", "room:api", "mixed", { count: 50 }]));
    t.true(await eventually(() => sender.inbox.length === 101 && other.inbox.length === 50, 5000));
    t.deepEqual(sender.inbox.slice(0, 4).map(event), ["b", "p", "b", "p"]);
    t.is(event(sender.inbox[100]!), "phx_reply");

    // Back-pressure: a paused reader passes the hard ceiling and is cut off with 1008.
    paused.ws.pause();
    const body = "x".repeat(32 * 1024);
    for (let i = 0; i < 32; i++) server.endpoint.broadcast("room:slow", "big", { i, body });
    t.true(await eventually(() => server.endpoint.connectionCount === 2, 5000), "the paused reader was cut off");
    paused.ws.resume();
    t.deepEqual(await paused.closed, { code: 1008, reason: "ERR_SLOW_CONSUMER" });
    t.is(other.inbox.length, 50, "the burst went to its own topic only");

    // A client close, then the endpoint's shutdown closing the last one.
    sender.ws.close(1000);
    t.is((await sender.closed).code, 1000);
    t.true(await eventually(() => server.endpoint.connectionCount === 1, 3000));
    await server.endpoint.close();
    t.is((await other.closed).code, 1012, "service restart, as the endpoint closes");

    t.deepEqual(privateAccesses, [], "no `_` property of a server-side ws was touched");
  });
}
