// @fawkes/sockjs/client in a real browser: the WebSocket-like adapter around
// sockjs-client, bundled by esbuild with the official phoenix client and used as
// its `transport` in Chromium, forced onto one sockjs-client sub-transport per test.
import test from "ava";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { sockjs } from "@fawkes/sockjs";
import { browserTest, browserTitle, bundlePage, openScenarioPage, sharedBrowser, startPageServer } from "./browser-harness.js";
import { BROADCAST_SAMPLE, JSON_SAMPLE } from "./browser/scenario.js";

const browser = sharedBrowser(test);

const last = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

const cases = [
  // `authToken` exercises the adapter's subprotocol decoding and token-first handshake in the browser.
  { sub: "xhr-streaming", receiving: "xhr_streaming", authToken: "s3cret token/+=" },
  { sub: "xhr-polling", receiving: "xhr" },
  { sub: "websocket", receiving: "websocket" },
] as const;

for (const c of cases) {
  browserTest(test)(
    browserTitle(`@fawkes/sockjs/client forced to ${c.sub}${"authToken" in c ? " with an authToken" : ""}: join, JSON echo, broadcast; binary push refused`),
    async (t) => {
      t.timeout(20_000);
      const server = await startPageServer({ transports: { sockjs: sockjs() }, serializers: [jsonV2, jsonV1], bundle: await bundlePage("sockjs-page") });
      t.teardown(() => server.close());
      const page = await openScenarioPage(await browser(), server, t);
      const result = await page.run({
        endpoint: `${server.url.replace(/^http/, "ws")}/socket`,
        topic: "room:b",
        binaryEcho: false,
        binaryRefused: true,
        sockjsSubTransport: c.sub,
        ...("authToken" in c ? { authToken: c.authToken } : {}),
      });

      t.deepEqual(result.joinReply, { joined: "room:b" });
      t.deepEqual(result.joinedPush, { topic: "room:b" });
      t.deepEqual(result.echoJson, JSON_SAMPLE);
      t.is(result.binaryRefusedCode, "ERR_BINARY_UNSUPPORTED");
      t.deepEqual(result.broadcast, BROADCAST_SAMPLE);
      t.is(result.socketErrors, 0);
      // Only the forced sub-transport carried the session (sockjs-client's /info probe aside).
      const sessionPaths = [...page.requests, ...page.websockets.map((u) => new URL(u).pathname)].filter(
        (p) => p.startsWith("/socket/sockjs/") && !p.endsWith("/info"),
      );
      const kinds = new Set(sessionPaths.map(last).filter((k) => k !== "xhr_send"));
      t.deepEqual([...kinds], [c.receiving]);
      t.true(page.requests.some((p) => p === "/socket/sockjs/info"));
      // One connection, opened by the forced sub-transport, with the token (sent as the first message) when given.
      // Every session the server saw came through the forced sub-transport (sockjs-client may
      // open a second session when a loaded machine makes the first one time out).
      const seen = server.connects.map((x) => [x.transport, last(x.uri.split("?")[0] ?? ""), x.authToken]);
      t.true(seen.length >= 1);
      t.deepEqual(
        seen,
        seen.map(() => ["sockjs", c.receiving, "authToken" in c ? c.authToken : undefined]),
      );
      t.deepEqual(page.errors, []);
    },
  );
}
