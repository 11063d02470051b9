// Behaviour of the TCP transport the conformance suite does not reach: its own
// handshake, line limits, port discovery and clients that vanish.
import test from "ava";
import { FawkesError } from "@fawkes/core";
import { tcpTransport } from "@fawkes/example-tcp-transport";
import { RawClient, eventually, handshake, startTcpFixture, within } from "./helpers.js";

test("GET <mount>/tcp on the HTTP server tells the listener's port; other methods get 405", async (t) => {
  const { fixture, port } = await startTcpFixture(t);
  t.true(Number.isInteger(port) && port > 0 && port !== fixture.port);
  t.is((await fetch(`${fixture.url}/socket/tcp`, { method: "POST" })).status, 405);
});

test("a handshake that is not JSON gets a 400 ERR_BAD_HANDSHAKE answer, then the socket ends", async (t) => {
  const { port } = await startTcpFixture(t);
  const client = new RawClient(t, port);
  client.write("this is not json\n");
  const answer = JSON.parse((await client.next()) ?? "null") as { ok: boolean; status: number; code: string };
  t.like(answer, { ok: false, status: 400, code: "ERR_BAD_HANDSHAKE" });
  t.true(await within(client.ended, 2000), "the server ended the socket");
});

test("handshake refusals carry the core's status and code; a wrong path gets 404", async (t) => {
  const { port } = await startTcpFixture(t);
  const rejected = new RawClient(t, port);
  rejected.write(handshake({ vsn: "2.0.0", reject: "1" }));
  t.like(JSON.parse((await rejected.next()) ?? "null"), { ok: false, status: 403, code: "ERR_REFUSED" });
  const lost = new RawClient(t, port);
  lost.write(`${JSON.stringify({ path: "/socket/elsewhere", params: {} })}\n`);
  t.like(JSON.parse((await lost.next()) ?? "null"), { ok: false, status: 404, code: "ERR_UNKNOWN_PATH" });
});

test("frames written right behind the handshake, in the same packet, are read in order", async (t) => {
  const { port } = await startTcpFixture(t);
  const client = new RawClient(t, port);
  const heartbeat = (ref: string): string => `T${JSON.stringify(JSON.stringify([null, ref, "phoenix", "heartbeat", {}]))}\n`;
  client.write(handshake() + heartbeat("1") + heartbeat("2"));
  t.is(await client.next(), '{"ok":true}');
  const refs = [await client.next(), await client.next()].map((line) => (JSON.parse(JSON.parse(line!.slice(1)) as string) as unknown[])[1]);
  t.deepEqual(refs, ["1", "2"]);
});

test("a line over maxLineBytes closes the connection with C1009", async (t) => {
  const { fixture, port } = await startTcpFixture(t, { maxLineBytes: 1024 });
  const client = new RawClient(t, port);
  client.write(handshake());
  t.is(await client.next(), '{"ok":true}');
  client.write(`T"${"x".repeat(2000)}`); // no newline needed: the limit is hit while reading
  t.regex((await client.next()) ?? "", /^C1009 /);
  t.true(await within(client.ended, 2000), "the server ended the socket");
  t.true(await eventually(() => fixture.endpoint.connectionCount === 0), "the core let go of the connection");
});

test("a line that is not T, B or C closes the connection with C1002", async (t) => {
  const { port } = await startTcpFixture(t);
  const client = new RawClient(t, port);
  client.write(handshake());
  t.is(await client.next(), '{"ok":true}');
  client.write("hello\n");
  t.regex((await client.next()) ?? "", /^C1002 /);
});

test("a client that vanishes without a close line terminates its channels", async (t) => {
  const { fixture, port } = await startTcpFixture(t);
  const client = new RawClient(t, port);
  client.write(handshake());
  t.is(await client.next(), '{"ok":true}');
  client.write(`T${JSON.stringify(JSON.stringify(["1", "1", "room:gone", "phx_join", {}]))}\n`);
  t.regex((await client.next()) ?? "", /phx_reply/);
  t.is(fixture.endpoint.pubsub.subscriberCount("room:gone"), 1);
  client.socket.destroy();
  t.true(await eventually(() => fixture.endpoint.pubsub.subscriberCount("room:gone") === 0 && fixture.endpoint.connectionCount === 0));
});

test("an idle connection is closed with C1001 after timeout", async (t) => {
  const { port } = await startTcpFixture(t, { timeout: 150 });
  const client = new RawClient(t, port);
  client.write(handshake());
  t.is(await client.next(), '{"ok":true}');
  t.regex((await client.next()) ?? "", /^C1001 idle timeout$/);
});

test("bad options throw ERR_BAD_OPTION", (t) => {
  for (const options of [{ port: -1 }, { port: 0, maxLineBytes: 0 }, { port: 0, timeout: -5 }, { port: 0, host: "" }]) {
    const error = t.throws(() => tcpTransport(options), { instanceOf: FawkesError });
    t.is(error?.code, "ERR_BAD_OPTION");
  }
});

test("lines split across many TCP writes are reassembled", async (t) => {
  const { port } = await startTcpFixture(t);
  const client = new RawClient(t, port);
  const text = handshake() + `T${JSON.stringify(JSON.stringify([null, "7", "phoenix", "heartbeat", {}]))}\n`;
  for (let i = 0; i < text.length; i += 5) {
    client.write(text.slice(i, i + 5));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  t.is(await client.next(), '{"ok":true}');
  t.regex((await client.next()) ?? "", /^T.*\\"7\\".*phx_reply/);
});
