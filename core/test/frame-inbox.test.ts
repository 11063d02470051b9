import test from "ava";
import { FrameInbox } from "@fawkes/core/testing";

test("FrameInbox: frames in order, waiting receives, timeout, end", async (t) => {
  const inbox = new FrameInbox();
  inbox.push({ opcode: "text", data: "a" });
  const waiting = inbox.receive(); // resolves with "a" at once
  t.deepEqual(await waiting, { opcode: "text", data: "a" });
  const later = inbox.receive(1000);
  inbox.push({ opcode: "text", data: "b" });
  t.deepEqual(await later, { opcode: "text", data: "b" });
  await t.throwsAsync(inbox.receive(20), { message: "no frame within 20 ms" });
  inbox.push({ opcode: "text", data: "c" });
  const pending = inbox.receive(1000);
  const pending2 = inbox.receive(1000);
  inbox.end("connection closed (1001)");
  t.deepEqual(await pending, { opcode: "text", data: "c" });
  await t.throwsAsync(pending2, { message: "connection closed (1001)" });
  await t.throwsAsync(inbox.receive(), { message: "connection closed (1001)" });
  t.true(inbox.ended);
});
