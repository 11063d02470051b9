import test from "ava";
import { LongPoll } from "phoenix";
import { start, until } from "./fixture.js";
import { answer, client, next } from "./phoenix.js";

test("official client over LongPoll: connect, join, push/reply, push, broadcast, leave", async (t) => {
  const s = await start({ window: 1000 });
  t.teardown(() => s.endpoint.close());
  const socket = client(s.url, { transport: LongPoll, params: { user_id: "42" } }, t.teardown);
  const channel = socket.channel("room:lobby", {});
  const joined = next(channel, "joined");
  t.deepEqual(await answer(channel.join()), { status: "ok", response: { joined: "room:lobby" } });
  t.deepEqual(await joined, { topic: "room:lobby" });
  t.true(socket.isConnected());

  t.deepEqual(await answer(channel.push("echo", { body: "hi" })), { status: "ok", response: { body: "hi" } });
  t.deepEqual(await answer(channel.push("nope", {})), { status: "error", response: { reason: "unknown" } });

  const pushed = next(channel, "pushed");
  await answer(channel.push("push", { n: 1 }));
  t.deepEqual(await pushed, { n: 1 });

  const fromClient = next(channel, "new_msg");
  await answer(channel.push("broadcast", { text: "all" }));
  t.deepEqual(await fromClient, { text: "all" });
  const fromServer = next(channel, "new_msg");
  s.endpoint.broadcast("room:lobby", "new_msg", { text: "server" });
  t.deepEqual(await fromServer, { text: "server" });

  t.deepEqual(await answer(channel.leave()), { status: "ok", response: {} });
  // The client answers leave() locally; the server's terminate follows its POST.
  t.true(await until(() => s.record.terminations.includes("room:lobby:left"), 5000));
});

test("official client over LongPoll: many pushes in one tick travel as one batch, replies in order", async (t) => {
  const s = await start({ window: 1000 });
  t.teardown(() => s.endpoint.close());
  const socket = client(s.url, { transport: LongPoll }, t.teardown);
  const channel = socket.channel("room:batch", {});
  await answer(channel.join());
  const replies = await Promise.all(Array.from({ length: 150 }, (_, i) => answer(channel.push("echo", { i }))));
  t.deepEqual(
    replies.map((r) => (r.response as { i: number }).i),
    Array.from({ length: 150 }, (_, i) => i),
  );
});

test("official client over LongPoll: a refused connect reaches onError as 403 and never opens", async (t) => {
  const s = await start({ window: 1000 });
  t.teardown(() => s.endpoint.close());
  const errors: unknown[] = [];
  const socket = client(s.url, { transport: LongPoll, params: { reject: "1" } }, t.teardown);
  socket.onError((e) => {
    errors.push(e);
  });
  t.true(await until(() => errors.includes(403), 5000));
  t.false(socket.isConnected());
});

test("official client over LongPoll: a 6 MiB burst of 8 KB broadcasts in one tick arrives whole and in order, on the same session", async (t) => {
  const s = await start({ window: 5000 });
  t.teardown(() => s.endpoint.close());
  const socket = client(s.url, { transport: LongPoll }, t.teardown);
  const opens: number[] = [];
  socket.onOpen(() => {
    opens.push(Date.now());
  });
  const channel = socket.channel("room:burst", {});
  await answer(channel.join());
  const received: number[] = [];
  const count = 768;
  const all = new Promise<void>((resolve) => {
    channel.on("new_msg", (payload: { i: number }) => {
      received.push(payload.i);
      if (received.length === count) resolve();
    });
  });
  const body = "m".repeat(8 * 1024);
  for (let i = 0; i < count; i++) s.endpoint.broadcast("room:burst", "new_msg", { i, body }); // above the 4 MiB soft limit
  await Promise.race([all, new Promise((r) => setTimeout(r, 15_000))]);
  t.deepEqual(
    received,
    Array.from({ length: count }, (_, i) => i),
  );
  t.is(opens.length, 1, "no reconnect: the session lived");
});
