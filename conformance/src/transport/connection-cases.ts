import type { TransportCase } from "./case.js";
import { eventually, postControl, within } from "./case.js";

const GARBAGE = { opcode: "text" as const, data: "\u0000 this is not a message {[" };

/** Whole connections: disconnect, malformed input, endpoint close, client close. */
export const connectionCases: readonly TransportCase[] = [
  {
    name: "disconnect broadcast via the control endpoint closes that connection (1001)",
    async run({ t, fixture, client, closeCodes }) {
      const target = await client({ user_id: "bob" });
      const bystander = await client({ user_id: "carol" });
      const jb = await bystander.join("room:d");
      await target.join("room:d");
      const res = await postControl(fixture, "disconnect", { id: "user_socket:bob" });
      t.is(res.status, 200, "the control endpoint answers 200");
      const closed = await within(target.connection.closed, 2000, null);
      t.true(closed !== null, "the connection was not closed");
      if (closeCodes && closed !== null) t.is(closed.code, 1001, "close code");
      await bystander.echo("room:d", jb, { still: "here" }, "another connection is untouched");
    },
  },
  {
    name: "broadcast via the control endpoint reaches joined clients",
    async run({ t, fixture, client }) {
      const c = await client();
      await c.join("room:ctl");
      const res = await postControl(fixture, "broadcast", { topic: "room:ctl", event: "news", payload: { n: 1 } });
      t.is(res.status, 200, "the control endpoint answers 200");
      await c.expect({ topic: "room:ctl", event: "news", joinRef: null, ref: null, payload: { n: 1 } }, "the broadcast");
    },
  },
  {
    name: "a malformed frame closes only that connection",
    skip: (o) => (o.capabilities.rawFrames === false ? "transport declares rawFrames: false" : undefined),
    async run({ t, client, closeCodes }) {
      const bad = await client();
      const good = await client();
      const joinRef = await good.join("room:m");
      await bad.join("room:m");
      bad.sendRaw(GARBAGE);
      const closed = await within(bad.connection.closed, 2000, null);
      t.true(closed !== null, "the connection that sent garbage was not closed");
      if (closeCodes && closed !== null) t.is(closed.code, 1007, "close code");
      await good.echo("room:m", joinRef, { fine: true }, "the other connection still works");
    },
  },
  {
    name: "endpoint.close() closes connections with 1012",
    async run({ t, fixture, client, closeCodes }) {
      const c = await client();
      await c.join("room:bye");
      await fixture.endpoint.close();
      const closed = await within(c.connection.closed, 2000, null);
      t.true(closed !== null, "the connection was not closed");
      if (closeCodes && closed !== null) t.is(closed.code, 1012, "close code");
    },
  },
  {
    name: "a client close is reported to the core (channels terminate)",
    async run({ t, fixture, client }) {
      const c = await client();
      await c.join("room:gone");
      t.is(fixture.endpoint.pubsub.subscriberCount("room:gone"), 1, "the joined channel is subscribed");
      await c.connection.close();
      const ended = await eventually(() => fixture.endpoint.pubsub.subscriberCount("room:gone") === 0 && fixture.endpoint.connectionCount === 0);
      t.true(ended, "the server still holds the connection or its channel after the client closed");
    },
  },
];
