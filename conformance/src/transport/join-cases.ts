import type { TransportCase } from "./case.js";

/** Joining: ok, refused, crashed, unmatched, duplicate, over the limit. */
export const joinCases: readonly TransportCase[] = [
  {
    name: "join ok replies with the join payload, then the joined push",
    async run({ client }) {
      const c = await client();
      await c.join("room:lobby");
    },
  },
  {
    name: "join refused ({reject: true} and private:*)",
    async run({ client }) {
      const c = await client();
      const r1 = c.sendJoin("room:secret", { reject: true });
      await c.expectReply("room:secret", r1, r1, "error", { reason: "unauthorized" }, "room join with reject: true");
      const r2 = c.sendJoin("private:1");
      await c.expectReply("private:1", r2, r2, "error", { reason: "unauthorized" }, "private:* join");
      const ref = c.push("room:secret", "echo", {}, r1);
      await c.expectReply("room:secret", ref, null, "error", { reason: "unmatched topic" }, "a refused join leaves the topic unjoined");
    },
  },
  {
    name: "join that throws replies {reason: join crashed}",
    async run({ client }) {
      const c = await client();
      const ref = c.sendJoin("crash_join:1");
      await c.expectReply("crash_join:1", ref, ref, "error", { reason: "join crashed" }, "crashed join reply");
      const joinRef = await c.join("room:after");
      await c.echo("room:after", joinRef, { still: "alive" }, "the socket lives on");
    },
  },
  {
    name: "join with no route replies unmatched topic with join_ref null",
    async run({ client }) {
      const c = await client();
      const ref = c.sendJoin("nowhere:1");
      await c.expectReply("nowhere:1", ref, null, "error", { reason: "unmatched topic" }, "unmatched join reply");
    },
  },
  {
    name: "duplicate join: new join reply, then phx_close with the OLD join_ref",
    async run({ client }) {
      const c = await client();
      const old = await c.join("room:dup");
      const fresh = c.sendJoin("room:dup");
      await c.expectReply("room:dup", fresh, fresh, "ok", { joined: "room:dup" }, "second join reply");
      await c.expect({ topic: "room:dup", event: "joined", joinRef: fresh, ref: null, payload: { topic: "room:dup" } }, "second joined push");
      await c.expect({ topic: "room:dup", event: "phx_close", joinRef: old, ref: old, payload: {} }, "phx_close for the old join");
      await c.echo("room:dup", fresh, { n: 2 }, "the new channel answers");
    },
  },
  {
    name: "channel limit (3) refuses the next join with too many channels joined",
    fixture: { maxChannels: 3 },
    async run({ client }) {
      const c = await client();
      const first = await c.join("room:1");
      for (const n of [2, 3]) await c.join(`room:${n}`);
      const ref = c.sendJoin("room:4");
      await c.expectReply("room:4", ref, ref, "error", { reason: "too many channels joined" }, "fourth join");
      const leave = c.push("room:1", "phx_leave", {}, first);
      await c.expectReply("room:1", leave, first, "ok", {}, "leave one channel");
      await c.expect({ topic: "room:1", event: "phx_close", joinRef: first, ref: first, payload: {} }, "phx_close after leaving");
      await c.join("room:4");
    },
  },
];
