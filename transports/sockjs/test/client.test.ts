import test from "ava";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { SockJSWebSocket, authTokenFrom, sockjsUrl } from "@fawkes/sockjs/client";

test("sockjsUrl maps Phoenix's WebSocket URL to the SockJS one and keeps the query", (t) => {
  t.is(sockjsUrl("ws://h:4000/socket/websocket?user_id=1&vsn=2.0.0"), "http://h:4000/socket/sockjs?user_id=1&vsn=2.0.0");
  t.is(sockjsUrl("wss://h/socket/websocket?vsn=2.0.0"), "https://h/socket/sockjs?vsn=2.0.0");
  t.is(sockjsUrl("http://h/socket/websocket", "sjs"), "http://h/socket/sjs");
  t.is(sockjsUrl("http://h/socket/sockjs?a=1"), "http://h/socket/sockjs?a=1");
});

test("authTokenFrom reads Phoenix's bearer subprotocol in both base64 alphabets", (t) => {
  const token = "a?b>c~";
  const b64 = btoa(token).replace(/=/g, "");
  t.is(authTokenFrom(["phoenix", `base64url.bearer.phx.${b64}`]), token);
  t.is(authTokenFrom(["phoenix", `base64url.bearer.phx.${b64.replace(/\+/g, "-").replace(/\//g, "_")}`]), token);
  t.is(authTokenFrom(["phoenix"]), undefined);
  t.is(authTokenFrom(undefined), undefined);
});

test("send refuses binary data with ERR_BINARY_UNSUPPORTED", (t) => {
  const ws = new SockJSWebSocket("http://127.0.0.1:1/socket/websocket", undefined, { transports: ["xhr-polling"] });
  ws.onclose = () => {};
  t.is(t.throws<Error & { code: string }>(() => ws.send(new ArrayBuffer(2)))?.code, "ERR_BINARY_UNSUPPORTED");
  t.is(t.throws<Error & { code: string }>(() => ws.send("x"))?.code, "ERR_NOT_OPEN");
  ws.close();
});

test("the client entry imports nothing from Node", async (t) => {
  const source = await readFile(fileURLToPath(new URL("../dist/client.js", import.meta.url)), "utf8");
  const imports = [...source.matchAll(/^(?:import|export)\b[^;]*?from "([^"]+)"/gm)].map((m) => m[1]);
  t.deepEqual(
    imports.filter((s) => s!.startsWith("node:") || !(s === "sockjs-client" || s!.startsWith("./"))),
    [],
  );
  t.true(imports.includes("sockjs-client"));
});
