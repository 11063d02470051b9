import test from "ava";
import { Socket } from "phoenix";
import { WebSocket } from "ws";
import { startChat } from "@fawkes/example-chat/app";

test("the chat page, the client bundle, and a chat between two official clients", async (t) => {
  const { endpoint, server, port } = await startChat(0, "127.0.0.1");
  t.teardown(async () => {
    await endpoint.close();
    server.close();
  });
  const base = `http://127.0.0.1:${port}`;
  const page = await fetch(`${base}/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /Fawkes chat/);
  t.is((await fetch(`${base}/phoenix.mjs`)).status, 200);

  const open = (name: string) => {
    const socket = new Socket(`ws://127.0.0.1:${port}/socket`, { params: { name }, transport: WebSocket as never });
    socket.connect();
    t.teardown(() => socket.disconnect());
    const channel = socket.channel("room:lobby", {});
    return { socket, channel, joined: new Promise((resolve, reject) => channel.join().receive("ok", resolve).receive("error", reject)) };
  };
  const alice = open("alice");
  const bob = open("bob");
  t.like(await alice.joined, { room: "lobby", user: "alice" });
  const joinedNotice = new Promise((resolve) => alice.channel.on("user_joined", resolve));
  await bob.joined;
  t.like(await joinedNotice, { user: "bob" });
  const received = new Promise((resolve) => alice.channel.on("new_msg", resolve));
  const reply = await new Promise((resolve) => bob.channel.push("new_msg", { body: "hello" }).receive("ok", resolve));
  t.deepEqual(reply, {});
  t.like(await received, { user: "bob", body: "hello" });
  const refused = await new Promise((resolve) => bob.channel.push("new_msg", { body: " " }).receive("error", resolve));
  t.deepEqual(refused, { reason: "empty message" });
});
