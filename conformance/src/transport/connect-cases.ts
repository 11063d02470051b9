import type { TransportCase } from "./case.js";

/** Connection set-up: params, refusals, vsn negotiation, origin, heartbeat. */
export const connectCases: readonly TransportCase[] = [
  {
    name: "connect with params reaches the socket's connect",
    async run({ t, fixture, client }) {
      const c = await client({ user_id: "alice" });
      // `user_id` became the socket id `user_socket:alice`, which the connection subscribes to.
      t.is(fixture.endpoint.pubsub.subscriberCount("user_socket:alice"), 1, "the connection was not given its socket id from params");
      const joinRef = await c.join("room:params");
      await c.echo("room:params", joinRef, { ok: 1 }, "the connection answers");
    },
  },
  {
    name: "refused connect (reject=1) answers 403",
    async run({ t, connect }) {
      const outcome = await connect({ reject: "1" });
      if (outcome.ok) await outcome.connection.close();
      t.deepEqual(outcome.ok ? "accepted" : outcome.status, 403);
    },
  },
  {
    name: "unknown vsn is refused with 403",
    async run({ t, connect }) {
      const outcome = await connect({ vsn: "9.9.9" });
      if (outcome.ok) await outcome.connection.close();
      t.deepEqual(outcome.ok ? "accepted" : outcome.status, 403);
    },
  },
  {
    name: "foreign origin is refused with 403",
    skip: (o) => (o.capabilities.checksOrigin === false ? "transport declares checksOrigin: false" : undefined),
    async run({ t, connect }) {
      const outcome = await connect({}, { origin: "http://evil.example" });
      if (outcome.ok) await outcome.connection.close();
      t.deepEqual(outcome.ok ? "accepted" : outcome.status, 403);
    },
  },
  {
    name: "heartbeat gets an ok reply on topic phoenix",
    skip: (o) => (o.capabilities.heartbeats === "none" ? "transport declares heartbeats: none" : undefined),
    async run({ client }) {
      const c = await client();
      const ref = c.push("phoenix", "heartbeat", {}, null);
      await c.expectReply("phoenix", ref, null, "ok", {}, "heartbeat reply");
      const again = c.push("phoenix", "heartbeat", {}, null);
      await c.expectReply("phoenix", again, null, "ok", {}, "second heartbeat reply");
    },
  },
];
