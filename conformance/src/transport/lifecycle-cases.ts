import type { TransportCase } from "./case.js";

/** Channel endings: crash, stop, leave. */
export const lifecycleCases: readonly TransportCase[] = [
  {
    name: "crash sends phx_error; the socket and other channels live on; rejoin works",
    async run({ client }) {
      const c = await client();
      const crashing = await c.join("room:crash");
      const other = await c.join("room:other");
      c.push("room:crash", "crash", {}, crashing);
      await c.expect(
        { topic: "room:crash", event: "phx_error", joinRef: crashing, ref: crashing, payload: { reason: "channel_crash" } },
        "phx_error with ref = join_ref",
      );
      await c.echo("room:other", other, { alive: true }, "another channel still answers");
      const ref = c.push("room:crash", "echo", {}, crashing);
      await c.expectReply("room:crash", ref, null, "error", { reason: "unmatched topic" }, "the crashed channel is gone");
      const again = await c.join("room:crash");
      await c.echo("room:crash", again, { rejoined: true }, "the rejoined channel answers");
    },
  },
  {
    name: "stop replies ok, then phx_close",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:stop");
      const ref = c.push("room:stop", "stop", {}, joinRef);
      await c.expectReply("room:stop", ref, joinRef, "ok", {}, "stop reply");
      await c.expect({ topic: "room:stop", event: "phx_close", joinRef, ref: joinRef, payload: {} }, "phx_close after stop");
      const after = c.push("room:stop", "echo", {}, joinRef);
      await c.expectReply("room:stop", after, null, "error", { reason: "unmatched topic" }, "the stopped channel is gone");
    },
  },
  {
    name: "leave replies ok, then phx_close",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:leave");
      const ref = c.push("room:leave", "phx_leave", {}, joinRef);
      await c.expectReply("room:leave", ref, joinRef, "ok", {}, "leave reply");
      await c.expect({ topic: "room:leave", event: "phx_close", joinRef, ref: joinRef, payload: {} }, "phx_close after leave");
      const after = c.push("room:leave", "echo", {}, joinRef);
      await c.expectReply("room:leave", after, null, "error", { reason: "unmatched topic" }, "the left channel is gone");
    },
  },
  {
    name: "leave with a stale join_ref is ignored",
    async run({ client }) {
      const c = await client();
      const joinRef = await c.join("room:stale-leave");
      c.push("room:stale-leave", "phx_leave", {}, "999999");
      await c.echo("room:stale-leave", joinRef, { still: "joined" }, "the channel is still joined and nothing else was sent");
    },
  },
  {
    name: "leave when not joined replies ok",
    async run({ client }) {
      const c = await client();
      const ref = c.push("room:nothing", "phx_leave", {}, null);
      await c.expectReply("room:nothing", ref, null, "ok", {}, "leave reply");
    },
  },
];
