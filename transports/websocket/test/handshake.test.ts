import test from "ava";
import { connect as connectRaw } from "node:net";
import { WebSocket } from "ws";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { call, eventually, open, rawRequest, startServer, upgradeRequest } from "./helpers.js";

// "a~~~>??b" in both base64 alphabets, unpadded as the phoenix client sends it.
const TOKEN = "a~~~>??b";
const STANDARD = "YX5+fj4/P2I";
const URL_SAFE = "YX5-fj4_P2I";

for (const [alphabet, encoded] of [
  ["standard", STANDARD],
  ["url-safe", URL_SAFE],
  ["padded", `${STANDARD}=`],
] as const) {
  test(`the auth token subprotocol (${alphabet} base64) reaches connect and the answer is "phoenix"`, async (t) => {
    const server = await startServer(t, { websocket: websocket() });
    const res = await rawRequest(
      server.port,
      upgradeRequest("/socket/websocket?vsn=2.0.0", [`Sec-WebSocket-Protocol: phoenix, base64url.bearer.phx.${encoded}`]),
    );
    t.teardown(() => res.socket.destroy());
    t.is(res.status, 101);
    t.is(res.headers["sec-websocket-protocol"], "phoenix");
    t.is(server.seen[0]?.info.authToken, TOKEN);
  });
}

test("the driver's token reaches connect and the ws client sees the phoenix subprotocol", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket/websocket?vsn=2.0.0`, [
    "phoenix",
    `base64url.bearer.phx.${Buffer.from("s3cret.token").toString("base64url")}`,
  ]);
  t.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  t.is(ws.protocol, "phoenix");
  t.is(server.seen[0]?.info.authToken, "s3cret.token");
  await open(t, server, { authToken: "other" });
  t.is(server.seen[1]?.info.authToken, "other");
});

test("without a token, authToken is undefined and no subprotocol is answered", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const res = await rawRequest(server.port, upgradeRequest("/socket/websocket?vsn=2.0.0"));
  t.teardown(() => res.socket.destroy());
  t.is(res.status, 101);
  t.false("sec-websocket-protocol" in res.headers);
  t.is(server.seen[0]?.info.authToken, undefined);
});

test("a malformed token subprotocol is a bad request", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const res = await rawRequest(server.port, upgradeRequest("/socket/websocket", ["Sec-WebSocket-Protocol: phoenix, base64url.bearer.phx.not*base64"]));
  t.teardown(() => res.socket.destroy());
  t.is(res.status, 400);
  t.is(server.seen.length, 0);
});

test("Rails-style params reach connect", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  await open(t, server, { params: { vsn: "2.0.0", "user[name]": "jo", "user[roles][]": "admin", "tags[0]": "x", plain: "1" } });
  const params = server.seen[0]!.params;
  t.is(params.vsn, "2.0.0");
  t.is(params.plain, "1");
  t.deepEqual({ ...(params.user as object) }, { name: "jo", roles: ["admin"] });
  t.deepEqual({ ...(params.tags as object) }, { "0": "x" });
});

test("connect info carries the peer, user agent, x-headers and uri", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket/websocket?vsn=2.0.0&a=1`, [], {
    headers: { "user-agent": "fawkes-test/1.0", "x-request-id": "abc", "x-forwarded-for": "10.0.0.1" },
  });
  t.teardown(() => ws.terminate());
  let local = -1;
  ws.once("upgrade", (response) => {
    local = response.socket.localPort ?? -1;
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const info = server.seen[0]!.info;
  t.is(info.transport, "websocket");
  t.is(info.peer.address, "127.0.0.1");
  t.true(local > 0, "the client's own port, from the upgrade response's socket");
  t.is(info.peer.port, local);
  t.is(info.userAgent, "fawkes-test/1.0");
  t.deepEqual(info.xHeaders, { "x-request-id": "abc", "x-forwarded-for": "10.0.0.1" });
  t.is(info.uri, "/socket/websocket?vsn=2.0.0&a=1");
});

test("a refused connect answers 403 and the driver reports it", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const outcome = await websocketClientDriver.connect({ url: server.url, path: "/socket/websocket", params: { vsn: "2.0.0", reject: "1" } });
  t.deepEqual(outcome, { ok: false, status: 403 });
});

test("an unknown vsn answers 403", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const outcome = await websocketClientDriver.connect({ url: server.url, path: "/socket/websocket", params: { vsn: "9.0.0" } });
  t.deepEqual(outcome, { ok: false, status: 403 });
  t.is(server.seen.length, 0);
});

test("checkOrigin true refuses a foreign origin with 403 and accepts the same host", async (t) => {
  const server = await startServer(t, { websocket: websocket({ checkOrigin: true }) });
  const foreign = await websocketClientDriver.connect({
    url: server.url,
    path: "/socket/websocket",
    params: { vsn: "2.0.0" },
    headers: { origin: "http://evil.example" },
  });
  t.deepEqual(foreign, { ok: false, status: 403 });
  const same = await websocketClientDriver.connect({
    url: server.url,
    path: "/socket/websocket",
    params: { vsn: "2.0.0" },
    headers: { Origin: "http://127.0.0.1:9999" },
  });
  t.true(same.ok);
  if (same.ok) await same.connection.close();
});

test("checkOrigin with a //*.example.com list accepts subdomains and refuses others", async (t) => {
  const server = await startServer(t, { websocket: websocket({ checkOrigin: ["//*.example.com"] }) }, { checkOrigin: false });
  const connect = (origin: string) =>
    websocketClientDriver.connect({ url: server.url, path: "/socket/websocket", params: { vsn: "2.0.0" }, headers: { origin } });
  const allowed = await connect("https://app.example.com");
  t.true(allowed.ok);
  if (allowed.ok) await allowed.connection.close();
  t.deepEqual(await connect("https://example.com.evil.org"), { ok: false, status: 403 });
  t.deepEqual(await connect("null"), { ok: false, status: 403 });
});

for (const [what, request] of [
  ["a POST", upgradeRequest("/socket/websocket", [], "POST")],
  ["a missing key", upgradeRequest("/socket/websocket").replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")],
  ["an invalid key", upgradeRequest("/socket/websocket").replace("dGhlIHNhbXBsZSBub25jZQ==", "short")],
  ["a wrong version", upgradeRequest("/socket/websocket").replace("Version: 13", "Version: 7")],
  ["a non-websocket Upgrade", upgradeRequest("/socket/websocket").replace("Upgrade: websocket", "Upgrade: h2c")],
  ["an invalid subprotocol list", upgradeRequest("/socket/websocket", ["Sec-WebSocket-Protocol: phoenix,,x y"])],
] as const) {
  test(`a bad upgrade (${what}) answers 400 without running connect`, async (t) => {
    const server = await startServer(t, { websocket: websocket() });
    const res = await rawRequest(server.port, request);
    t.teardown(() => res.socket.destroy());
    t.is(res.status, 400);
    t.is(server.seen.length, 0);
  });
}

test("an upgrade to a path below the transport answers 404", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const res = await rawRequest(server.port, upgradeRequest("/socket/websocket/extra"));
  t.teardown(() => res.socket.destroy());
  t.is(res.status, 404);
});

for (const [what, request] of [
  ["a plain GET (no upgrade)", "GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"],
  ["a POST", "POST /socket/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"],
] as const) {
  test(`${what} to <mount>/websocket answers 400, as Phoenix does, before connect runs`, async (t) => {
    const server = await startServer(t, { websocket: websocket() });
    const res = await rawRequest(server.port, request);
    t.teardown(() => res.socket.destroy());
    t.is(res.status, 400);
    t.is(server.seen.length, 0);
  });
}

test("a plain GET below the transport's path answers 404", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const res = await rawRequest(server.port, "GET /socket/websocket/extra HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  t.teardown(() => res.socket.destroy());
  t.is(res.status, 404);
});

test("a client that leaves during a slow connect does not crash the server", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const gone = connectRaw(server.port);
  gone.write(upgradeRequest("/socket/websocket?vsn=2.0.0&slow=100"));
  t.true(await eventually(() => server.seen.length === 1), "connect started");
  gone.resetAndDestroy();
  // connect's 100 ms timer was set before this one, so it (and what follows it) runs first.
  await new Promise((r) => setTimeout(r, 150));
  t.is(server.seen.length, 1);
  t.is(server.endpoint.connectionCount, 0);
  const connection = await open(t, server);
  t.deepEqual((await call(connection, [null, "1", "phoenix", "heartbeat", {}]))[4], { status: "ok", response: {} });
});

test("extra subprotocols are answered when phoenix is not offered; phoenix wins when it is", async (t) => {
  const server = await startServer(t, { websocket: websocket({ subprotocols: ["mqtt", "v2.json"] }) });
  const connectWith = async (protocols: string[]) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket/websocket?vsn=2.0.0`, protocols);
    t.teardown(() => ws.terminate());
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return ws.protocol;
  };
  t.is(await connectWith(["v2.json", "mqtt"]), "mqtt");
  t.is(await connectWith(["mqtt", "phoenix"]), "phoenix");
  const res = await rawRequest(server.port, upgradeRequest("/socket/websocket", ["Sec-WebSocket-Protocol: other"]));
  t.teardown(() => res.socket.destroy());
  t.is(res.status, 101);
  t.false("sec-websocket-protocol" in res.headers);
});
