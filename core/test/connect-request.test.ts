// The one builder of connect requests that every transport calls.
import test from "ava";
import { connectRequestFrom, splitPathQuery, type ConnectRequest } from "@fawkes/core";

test("splitPathQuery cuts at the first ? and drops it", (t) => {
  t.deepEqual(splitPathQuery("/socket/websocket?vsn=2.0.0&a=1"), { path: "/socket/websocket", query: "vsn=2.0.0&a=1" });
  t.deepEqual(splitPathQuery("/socket/websocket"), { path: "/socket/websocket", query: "" });
  t.deepEqual(splitPathQuery("/p?a=1?b=2"), { path: "/p", query: "a=1?b=2" });
  t.deepEqual(splitPathQuery("/p?"), { path: "/p", query: "" });
  t.deepEqual(splitPathQuery(""), { path: "", query: "" });
});

test("connectRequestFrom parses the URL's params Rails-style, takes the peer and keeps the URL as sent", (t) => {
  const headers = { host: "example.com", "user-agent": "ua" };
  const request: ConnectRequest = connectRequestFrom(
    { url: "/socket/websocket?vsn=2.0.0&user[id]=7&tags[]=a&tags[]=b", headers, socket: { remoteAddress: "10.0.0.1", remotePort: 5555 } },
    { authToken: "tok" },
  );
  t.deepEqual({ ...request.params }, { vsn: "2.0.0", user: { id: "7" }, tags: ["a", "b"] });
  t.is(request.remoteAddress, "10.0.0.1");
  t.is(request.remotePort, 5555);
  t.is(request.url, "/socket/websocket?vsn=2.0.0&user[id]=7&tags[]=a&tags[]=b");
  t.is(request.authToken, "tok");
  t.deepEqual({ ...request.headers }, headers);
});

test("connectRequestFrom copies the headers: later edits of the originals do not reach the request", (t) => {
  const headers: Record<string, string> = { "sec-websocket-protocol": "phoenix, base64url.bearer.phx.dG9r" };
  const request = connectRequestFrom({ url: "/s", headers, socket: {} });
  delete headers["sec-websocket-protocol"];
  t.is(request.headers["sec-websocket-protocol"], "phoenix, base64url.bearer.phx.dG9r");
  t.is(Object.getPrototypeOf(request.headers), null, "null prototype, as Node's own headers");
});

test('connectRequestFrom: given params win over the query; an unknown peer is "" and 0; a missing URL is /', (t) => {
  const request = connectRequestFrom({ headers: {}, socket: { remoteAddress: undefined } }, { params: { only: "this" } });
  t.deepEqual(request.params, { only: "this" });
  t.is(request.remoteAddress, "");
  t.is(request.remotePort, 0);
  t.is(request.url, "/");
  t.is(request.authToken, undefined);
  const fromQuery = connectRequestFrom({ url: "/s?a=1", headers: {}, socket: {} }, { params: { b: "2" } });
  t.deepEqual(fromQuery.params, { b: "2" }, "the query is not read when params are given");
});
