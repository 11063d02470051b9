// Results are built and read in one module: what each callback result means.
import test from "ava";
import { error, noreply, ok, refuse, reply, stop } from "@fawkes/core";
import { readCallbackResult, readConnectResult, readJoinResult } from "../dist/results.js";

test("connect results: accept, refuse with a status, or refuse with 403", (t) => {
  for (const accepted of [true, undefined, ok(), ok({ any: 1 })]) t.deepEqual(readConnectResult(accepted), { accept: true });
  t.deepEqual(readConnectResult(refuse("banned", 401)), { accept: false, status: 401, reason: "banned" });
  t.deepEqual(readConnectResult(refuse("banned")), { accept: false, status: 403, reason: "banned" });
  t.deepEqual(readConnectResult(error("bad token")), { accept: false, status: 403, reason: "bad token" });
  for (const refused of [false, null, error({ not: "a string" }), { type: "nonsense" }, "ok", 1]) {
    t.deepEqual(readConnectResult(refused), { accept: false, status: 403, reason: "connection refused" });
  }
});

test("join results: joined or refused with a response; anything else is a bad result", (t) => {
  t.deepEqual(readJoinResult(true), { joined: true, response: {} });
  t.deepEqual(readJoinResult(undefined), { joined: true, response: {} });
  t.deepEqual(readJoinResult(false), { joined: false, response: {} });
  t.deepEqual(readJoinResult(ok({ id: 1 })), { joined: true, response: { id: 1 } });
  t.deepEqual(readJoinResult(error({ reason: "no" })), { joined: false, response: { reason: "no" } });
  for (const bad of [null, noreply(), reply("ok"), stop(), refuse("x"), "ok", 0]) t.is(readJoinResult(bad), undefined);
});

test("channel callback results: replies only where a client message is answered", (t) => {
  t.deepEqual(readCallbackResult(undefined, true), { kind: "none" });
  t.deepEqual(readCallbackResult(noreply(), false), { kind: "none" });
  t.deepEqual(readCallbackResult(ok({ a: 1 }), true), { kind: "reply", status: "ok", response: { a: 1 } });
  t.deepEqual(readCallbackResult(error({ b: 2 }), true), { kind: "reply", status: "error", response: { b: 2 } });
  t.deepEqual(readCallbackResult(reply("custom", { c: 3 }), true), { kind: "reply", status: "custom", response: { c: 3 } });
  t.deepEqual(readCallbackResult(stop("done", { status: "ok", response: {} }), true), { kind: "stop", reason: "done", reply: { status: "ok", response: {} } });
  t.deepEqual(
    readCallbackResult(stop("done", { status: "ok", response: {} }), false),
    { kind: "stop", reason: "done", reply: undefined },
    "handleOut/handleInfo have nobody to reply to",
  );
  for (const bad of [ok(), error(), reply("ok")]) t.is(readCallbackResult(bad, false), undefined);
  for (const bad of [null, true, refuse("x"), { type: "later" }]) t.is(readCallbackResult(bad, true), undefined);
});
