/**
 * Issue 9, item 5: no exception from a sockjs or faye callback, or from a
 * call into them, reaches the process; it ends only the session (1011, 3011
 * on the wire) or the request (500) it came from.
 */
import test from "ava";
import http from "node:http";
import { Duplex } from "node:stream";
import type { ServerResponse } from "node:http";
import type { TransportHost } from "@fawkes/core";
import { sockjs } from "@fawkes/sockjs";
import { SockJSConnection } from "../dist/sockjs-connection.js";
import { resolveOptions } from "../dist/options.js";
import { guardRequest } from "../dist/request-guard.js";
import { fakeConn, host, meter, recorder, request, tick } from "./fakes.js";

test("a throw while handling a message ends only that session with 1011 (3011), after sockjs's delivery returned", async (t) => {
  const { log, logged } = recorder();
  const { host: h, closed } = host(log, () => ({
    receive() {
      throw new Error("boom");
    },
  }));
  const conn = fakeConn();
  const ended: boolean[] = [];
  new SockJSConnection(conn, request, false, h, resolveOptions({}), meter(), (_b, pending) => ended.push(pending));
  await tick();
  t.deepEqual(conn.writes, ["fawkes:open"]);
  t.notThrows(() => {
    conn.emit("data", "x");
    conn.emit("data", "y");
  });
  t.deepEqual(conn.closes, [], "not closed while sockjs is still delivering");
  await tick();
  t.deepEqual(conn.closes, [[3011, "ERR_INTERNAL: transport callback failed"]]);
  t.deepEqual(closed, [{ code: 1011, reason: "ERR_INTERNAL: transport callback failed" }]);
  t.deepEqual(ended, [false]);
  t.true(logged.some((l) => l.code === "ERR_TRANSPORT_CALLBACK"));
});

test("a close decided mid-delivery is deferred and the rest of that frame never reaches the core", async (t) => {
  const { log } = recorder();
  const received: string[] = [];
  const { host: h, sink } = host(log, () => ({
    receive(frame) {
      received.push(frame.data as string);
      sink().close(1007, "ERR_MALFORMED_FRAME");
    },
  }));
  const conn = fakeConn();
  new SockJSConnection(conn, request, false, h, resolveOptions({}), meter(), () => {});
  await tick();
  // What sockjs's framed-WebSocket receiver does for `["a","b"]`: two data events in one loop.
  conn.emit("data", "a");
  conn.emit("data", "b");
  t.deepEqual(received, ["a"]);
  t.deepEqual(conn.closes, []);
  await tick();
  t.deepEqual(conn.closes, [[3007, "ERR_MALFORMED_FRAME"]]);
});

test("a close that throws (faye's code check) drops the connection instead of leaving a zombie", async (t) => {
  const { log, logged } = recorder();
  const { host: h, closed } = host(log, () => ({ receive() {} }));
  const conn = fakeConn(true);
  const m = meter();
  const ended: boolean[] = [];
  const connection = new SockJSConnection(conn, request, false, h, resolveOptions({}), m, (_b, pending) => ended.push(pending));
  await tick();
  t.notThrows(() => connection.end(1001, "x".repeat(300)));
  t.is(m.destroyed, 1);
  t.is(closed.length, 1);
  t.deepEqual(ended, [false]);
  t.true(logged.some((l) => l.code === "ERR_TRANSPORT_CALLBACK"));
});

test("guardRequest answers a throwing handler with 500, or destroys what cannot be answered", (t) => {
  const { log, logged } = recorder();
  const boom = () => {
    throw new Error("boom");
  };
  const answered: number[] = [];
  const res = {
    headersSent: false,
    writeHead(status: number) {
      answered.push(status);
      return { end() {} };
    },
    destroy() {
      answered.push(-1);
    },
  } as unknown as ServerResponse;
  t.true(guardRequest(log, "req", res, boom));
  t.deepEqual(answered, [500]);
  const sent = { ...res, headersSent: true, writeHead: res.writeHead, destroy: res.destroy } as unknown as ServerResponse;
  t.true(guardRequest(log, "req", sent, boom));
  t.deepEqual(answered, [500, -1]);
  const socket = new Duplex({
    read() {},
    write(_c, _e, cb) {
      cb();
    },
  });
  t.true(guardRequest(log, "upgrade", socket, boom));
  t.true(socket.destroyed);
  t.false(
    guardRequest(log, "req", res, () => false),
    "a declined request stays declined",
  );
  t.is(logged.filter((l) => l.code === "ERR_TRANSPORT_CALLBACK").length, 3);
});

test("a throw inside the transport's request handling answers that request with 500; the server goes on", async (t) => {
  const { log, logged } = recorder();
  const server = http.createServer();
  const refusingHost = {
    name: "sockjs",
    path: "/socket/sockjs",
    mount: "/socket",
    log,
    connect: async () => ({ ok: false, status: 403, code: "ERR_REFUSED", reason: "no" }),
  } as unknown as TransportHost;
  const instance = sockjs().attach({ server, host: refusingHost });
  let poison = true;
  server.on("request", (req, res) => {
    if (poison)
      Object.defineProperty(req, "headers", {
        get() {
          throw new Error("boom");
        },
      });
    if (!instance.handleRequest!(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/socket/sockjs/000/abc/xhr`;
  t.is((await fetch(url, { method: "POST" })).status, 500);
  t.true(logged.some((l) => l.code === "ERR_TRANSPORT_CALLBACK"));
  poison = false;
  t.is((await fetch(`http://127.0.0.1:${port}/socket/sockjs/info`)).status, 200);
  await instance.close();
});
