import test from "ava";
import { request } from "node:http";
import { FawkesError } from "@fawkes/core";
import { longpoll } from "@fawkes/longpoll";
import { httpJson } from "@fawkes/longpoll/testing";
import { start, sleep, until } from "./fixture.js";
import { PATH, collect, get, open, poll, post } from "./raw.js";

const join = (topic: string, ref = "1") => [ref, ref, topic, "phx_join", {}];

test("GET without a token opens a session: status 410 with a token, JSON and no-store headers", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const answer = await get(s.url);
  t.is(answer.httpStatus, 200);
  t.is(answer.body?.status, 410);
  t.deepEqual(answer.body?.messages, []);
  t.regex(String(answer.body?.token), /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  t.is(answer.headers["content-type"], "application/json; charset=utf-8");
  t.is(answer.headers["cache-control"], "no-store");
  t.is(answer.headers["access-control-allow-origin"], "*");
});

test("refused connects answer 403 in the body; a crashing connect answers 500", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  t.deepEqual((await get(s.url, "vsn=2.0.0&reject=1")).body, { status: 403 });
  t.deepEqual((await get(s.url, "vsn=9.9.9")).body, { status: 403 });
  t.deepEqual((await get(s.url, "vsn=2.0.0", { origin: "http://evil.example" })).body, { status: 403 });
  const crashed = await get(s.url, "vsn=2.0.0&crash=1");
  t.is(crashed.httpStatus, 200);
  t.deepEqual(crashed.body, { status: 500 });
});

test("the auth token header reaches connect; params exclude the transport's token", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  await open(s.url, "vsn=2.0.0&token=junk", { "x-phoenix-authtoken": "secret-auth" });
  t.deepEqual(s.record.authTokens, ["secret-auth"]);
});

test("POST dispatches an ndjson batch (200); the next GET carries the replies (200 + messages)", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  const sent = await post(s.url, token, [join("room:a"), ["1", "2", "room:a", "echo", { n: 1 }]]);
  t.deepEqual(sent.body, { status: 200 });
  const messages = await collect(s.url, token, 3);
  t.deepEqual(messages, [
    ["1", "1", "room:a", "phx_reply", { status: "ok", response: { joined: "room:a" } }],
    ["1", "2", "room:a", "phx_reply", { status: "ok", response: { n: 1 } }],
    ["1", null, "room:a", "joined", { topic: "room:a" }],
  ]);
});

test("GET with a session and nothing to send waits the window, then 204 with the token", async (t) => {
  const s = await start({ window: 400 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  const began = Date.now();
  const answer = await poll(s.url, token);
  t.true(Date.now() - began >= 390);
  t.deepEqual(answer.body, { status: 204, token, messages: [] });
});

test("a waiting GET is answered as soon as a message arrives", async (t) => {
  const s = await start({ window: 5000 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url, "vsn=2.0.0&user_id=7");
  await post(s.url, token, [join("room:w")]);
  await collect(s.url, token, 2);
  const waiting = poll(s.url, token);
  await sleep(50);
  const began = Date.now();
  s.endpoint.broadcast("room:w", "new_msg", { hi: 1 });
  const answer = await waiting;
  t.true(Date.now() - began < 1000);
  t.is(answer.body?.status, 200);
  t.deepEqual(
    (answer.body?.messages as string[] | undefined)?.map((m) => JSON.parse(m)),
    [[null, null, "room:w", "new_msg", { hi: 1 }]],
  );
});

test("POST without a token, with a forged token, or with a token of another mount: 410", async (t) => {
  const s = await start({}, { other: true });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  const otherToken = await open(s.url, "vsn=2.0.0", {}, "/other/longpoll");
  const [body, mac] = token.split(".");
  const forged = `${body}.${mac!.slice(0, -2)}${mac!.endsWith("AA") ? "BB" : "AA"}`;
  t.deepEqual((await httpJson("POST", `${s.url}${PATH}`, { "content-type": "application/x-ndjson" }, JSON.stringify(join("room:a")))).body, { status: 410 });
  t.deepEqual((await post(s.url, forged, [join("room:a")])).body, { status: 410 });
  t.deepEqual((await post(s.url, otherToken, [join("room:a")])).body, { status: 410 });
  t.deepEqual((await post(s.url, token, [join("room:a")], {}, "/other/longpoll")).body, { status: 410 });
  t.deepEqual((await post(s.url, otherToken, [join("room:a")], {}, "/other/longpoll")).body, { status: 200 });
  t.deepEqual(s.record.joins, ["room:a"]);
});

test("GET with a forged or cross-mount token opens a fresh session, as Phoenix does", async (t) => {
  const s = await start({}, { other: true });
  t.teardown(() => s.endpoint.close());
  const otherToken = await open(s.url, "vsn=2.0.0", {}, "/other/longpoll");
  const answer = await poll(s.url, otherToken);
  t.is(answer.body?.status, 410);
  t.not(answer.body?.token, otherToken);
  const forged = await poll(s.url, "eyJ4IjoxfQ.c2lnbmF0dXJl");
  t.is(forged.body?.status, 410);
  t.is(typeof forged.body?.token, "string");
});

test("a token is bound to the origin it was minted for", async (t) => {
  const s = await start({ window: 5000 });
  t.teardown(() => s.endpoint.close());
  const allowed = { origin: "https://allowed.example" };
  const token = await open(s.url, "vsn=2.0.0", allowed);
  t.deepEqual((await post(s.url, token, [join("room:o")], allowed)).body, { status: 200 });
  t.deepEqual((await post(s.url, token, [join("room:o", "2")], { origin: "https://other.example" })).body, { status: 410 });
  const answer = await poll(s.url, token, allowed);
  t.is(answer.headers["access-control-allow-origin"], "https://allowed.example");
  t.is(answer.body?.status, 200);
});

test("a same-origin page: polls without Origin and posts with its own Origin share one session", async (t) => {
  // Browsers omit Origin on same-origin GETs and send it on POSTs (seen with Chromium).
  const s = await start({ window: 5000 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  t.deepEqual((await post(s.url, token, [join("room:same")], { origin: s.url })).body, { status: 200 });
  t.deepEqual((await post(s.url, token, [join("room:same2", "2")], { origin: "https://other.example" })).body, { status: 410 });
  t.is((await poll(s.url, token)).body?.status, 200);
});

test("the token header wins over the query parameter", async (t) => {
  const s = await start({ window: 500 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  const viaHeader = await httpJson("GET", `${s.url}${PATH}?vsn=2.0.0&token=forged.junk`, { "x-phoenix-longpoll-token": token });
  t.deepEqual(viaHeader.body, { status: 204, token, messages: [] });
  const viaQuery = await httpJson("GET", `${s.url}${PATH}?vsn=2.0.0&token=${token}`);
  t.deepEqual(viaQuery.body, { status: 204, token, messages: [] });
});

test("a session with no poll for 1.5 windows ends: channels terminate, its token is useless", async (t) => {
  const s = await start({ window: 400 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  t.deepEqual((await post(s.url, token, [join("room:x")])).body, { status: 200 });
  t.true(await until(() => s.record.terminations.includes("room:x:closed"), 3000));
  t.deepEqual((await poll(s.url, token)).body, { status: 410 });
  t.deepEqual((await post(s.url, token, [join("room:x")])).body, { status: 410 });
});

test("a session that keeps polling stays alive past many windows", async (t) => {
  const s = await start({ window: 500 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  await post(s.url, token, [join("room:k")]);
  for (let i = 0; i < 5; i++) t.not((await poll(s.url, token)).body?.status, 410);
  t.deepEqual(s.record.terminations, []);
});

test("the server closing a session (disconnect broadcast) answers the waiting poll 410", async (t) => {
  const s = await start({ window: 5000 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url, "vsn=2.0.0&user_id=u1");
  await post(s.url, token, [join("room:d")]);
  await collect(s.url, token, 2);
  const waiting = poll(s.url, token);
  await sleep(30);
  s.endpoint.broadcast("user_socket:u1", "disconnect", {});
  t.deepEqual((await waiting).body, { status: 410 });
  t.deepEqual((await poll(s.url, token)).body, { status: 410 });
  t.true(s.record.terminations.includes("room:d:closed"));
});

test("a client that never polls reaches maxBufferedMessages: its session ends, others live on", async (t) => {
  const s = await start({ maxBufferedMessages: 5, window: 5000 });
  t.teardown(() => s.endpoint.close());
  const quiet = await open(s.url);
  const busy = await open(s.url);
  await post(s.url, quiet, [join("room:flood")]);
  await post(s.url, busy, [join("room:calm")]);
  for (let i = 0; i < 10; i++) s.endpoint.broadcast("room:flood", "new_msg", { i });
  t.true(await until(() => s.record.terminations.includes("room:flood:closed")));
  t.deepEqual((await poll(s.url, quiet)).body, { status: 410 });
  t.is((await poll(s.url, busy)).body?.status, 200);
});

test("a 100-line batch is dispatched whole; a 101-line batch is refused whole (400)", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  const heartbeats = (n: number) => Array.from({ length: n }, (_, i) => [null, String(i), "phoenix", "heartbeat", {}]);
  const refused = await post(s.url, token, heartbeats(101));
  t.is(refused.httpStatus, 400);
  t.deepEqual(refused.body, { status: 400, code: "ERR_BATCH_TOO_LARGE" });
  t.deepEqual((await post(s.url, token, heartbeats(100))).body, { status: 200 });
  const replies = await collect(s.url, token, 100);
  t.is(replies.length, 100);
  t.deepEqual(replies[0], [null, "0", "phoenix", "phx_reply", { status: "ok", response: {} }]);
});

test("base64 lines are binary frames; a bad base64 line refuses the batch (400)", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  await post(s.url, token, [join("room:b")]);
  // V2 binary push: kind 0, join_ref "1", ref "2", topic "room:b", event "size", 3 bytes of data.
  const enc = (x: string) => Buffer.from(x);
  const push = Buffer.concat([Buffer.from([0, 1, 1, 6, 4]), enc("1"), enc("2"), enc("room:b"), enc("size"), Buffer.from([1, 2, 3])]);
  t.deepEqual((await post(s.url, token, [push.toString("base64")])).body, { status: 200 });
  const messages = await collect(s.url, token, 3);
  t.deepEqual(messages.at(-1), ["1", "2", "room:b", "phx_reply", { status: "ok", response: { size: 3 } }]);
  const bad = await post(s.url, token, ["not base64!"]);
  t.is(bad.httpStatus, 400);
  t.is(bad.body?.code, "ERR_BAD_BASE64");
});

test("a POST that is not ndjson is one text frame (V1 clients)", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url, "vsn=1.0.0");
  const body = JSON.stringify({ topic: "room:v1", event: "phx_join", payload: {}, ref: "1" });
  const sent = await httpJson("POST", `${s.url}${PATH}?token=${token}`, { "content-type": "application/json" }, body);
  t.deepEqual(sent.body, { status: 200 });
  const answer = await poll(s.url, token);
  t.deepEqual(JSON.parse((answer.body?.messages as string[] | undefined)?.[0] ?? ""), {
    topic: "room:v1",
    event: "phx_reply",
    payload: { status: "ok", response: { joined: "room:v1" } },
    ref: "1",
  });
});

test("an oversize body gets 413 without being buffered; the session and others are unaffected", async (t) => {
  const s = await start({ maxBodyBytes: 1024 });
  t.teardown(() => s.endpoint.close());
  const token = await open(s.url);
  const other = await open(s.url);
  const declared = await post(s.url, token, ["x".repeat(2000)]);
  t.is(declared.httpStatus, 413);
  t.deepEqual(declared.body, { status: 413, code: "ERR_BODY_TOO_LARGE" });
  // Chunked, no content-length: the limit is found while streaming.
  const streamed = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${s.url}${PATH}`,
      { method: "POST", headers: { "content-type": "application/x-ndjson", "x-phoenix-longpoll-token": token } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.write("A".repeat(800));
    setTimeout(() => req.end("A".repeat(800)), 20);
  });
  t.is(streamed, 413);
  t.deepEqual((await post(s.url, token, [join("room:big")])).body, { status: 200 });
  t.deepEqual((await post(s.url, other, [join("room:big2")])).body, { status: 200 });
  t.deepEqual(s.record.joins.sort(), ["room:big", "room:big2"]);
});

test("OPTIONS answers the CORS preflight; other methods get 405", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const pre = await httpJson("OPTIONS", `${s.url}${PATH}`, { origin: "https://allowed.example", "access-control-request-method": "POST" });
  t.is(pre.httpStatus, 200);
  t.is(pre.headers["access-control-allow-origin"], "https://allowed.example");
  const allowHeaders = String(pre.headers["access-control-allow-headers"]);
  for (const h of ["content-type", "x-phoenix-longpoll-token", "x-phoenix-authtoken"]) t.true(allowHeaders.includes(h), h);
  t.regex(String(pre.headers["access-control-allow-methods"]), /POST/);
  const put = await httpJson("PUT", `${s.url}${PATH}`);
  t.is(put.httpStatus, 405);
  t.is(put.body?.status, 405);
  t.is((await httpJson("GET", `${s.url}${PATH}/deeper`)).httpStatus, 404);
});

test("configuration: a missing secret is ERR_NO_SECRET in production; a short one ERR_BAD_OPTION", (t) => {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    t.is(t.throws(() => longpoll(), { instanceOf: FawkesError })?.code, "ERR_NO_SECRET");
    t.notThrows(() => longpoll({ secret: "x".repeat(32) }));
  } finally {
    process.env.NODE_ENV = previous;
  }
  t.is(t.throws(() => longpoll({ secret: "short" }), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
  t.is(t.throws(() => longpoll({ window: 0 }), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
  t.notThrows(() => longpoll());
});

test("configuration: back-pressure options are checked as on every transport", (t) => {
  for (const bad of [
    { maxBufferedBytes: 0 },
    { maxBufferedBytes: 1000, hardMaxBufferedBytes: 999 },
    { slowConsumerGraceMs: -1 },
    { maxBufferedMessages: 1.5 },
  ]) {
    t.is(t.throws(() => longpoll(bad), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION", JSON.stringify(bad));
  }
  t.notThrows(() => longpoll({ maxBufferedBytes: 1024, hardMaxBufferedBytes: 1024, slowConsumerGraceMs: 1, maxBufferedMessages: 1 }));
});

test("a frame the serializer cannot read ends only that session: the POST answers 200, the next poll 410", async (t) => {
  const s = await start();
  t.teardown(() => s.endpoint.close());
  const bad = await open(s.url);
  const other = await open(s.url);
  await post(s.url, bad, [join("room:bad")]);
  t.deepEqual((await post(s.url, bad, ["[not json"])).body, { status: 200 });
  t.true(await until(() => s.record.terminations.includes("room:bad:closed")));
  t.deepEqual((await poll(s.url, bad)).body, { status: 410 });
  t.deepEqual((await post(s.url, other, [[null, "1", "phoenix", "heartbeat", {}]])).body, { status: 200 });
  t.deepEqual(await collect(s.url, other, 1), [[null, "1", "phoenix", "phx_reply", { status: "ok", response: {} }]]);
});
