import test from "ava";
import { ChannelRouter, FawkesError, defineSocket } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";

test("exact and splat patterns match in definition order", (t) => {
  const r = new ChannelRouter<string>();
  r.add("room:lobby", "lobby");
  r.add("room:*", "rooms");
  r.add("room:special", "never"); // shadowed by the splat above, as in Phoenix
  r.add("*", "all");
  t.is(r.match("room:lobby")?.target, "lobby");
  t.is(r.match("room:42")?.target, "rooms");
  t.is(r.match("room:special")?.target, "rooms");
  t.is(r.match("other")?.target, "all");
  t.is(new ChannelRouter<string>().match("x"), undefined);
});

test("a splat matches an empty remainder; an exact pattern matches only itself", (t) => {
  const r = new ChannelRouter<string>();
  r.add("room:*", "rooms");
  r.add("system", "system");
  t.is(r.match("room:")?.target, "rooms");
  t.is(r.match("system:1"), undefined);
  t.is(r.match("roo"), undefined);
});

test("many routes: the first added still wins, for every prefix length", (t) => {
  const r = new ChannelRouter<string>();
  for (let i = 0; i < 500; i++) r.add(`t${i}:*`, `splat${i}`);
  for (let i = 0; i < 500; i++) r.add(`t${i}:exact`, `exact${i}`); // shadowed by the splats added earlier
  r.add("x:exact", "x-exact");
  r.add("x:*", "x-splat");
  r.add("x:*", "x-splat-again");
  r.add("t1*", "short"); // matches t1..., but added after t1:* and t10:* ...
  t.is(r.match("t42:anything")?.target, "splat42");
  t.is(r.match("t42:exact")?.target, "splat42");
  t.is(r.match("x:exact")?.target, "x-exact");
  t.is(r.match("x:other")?.target, "x-splat");
  t.is(r.match("t1:a")?.target, "splat1");
  t.is(r.match("t1zzz")?.target, "short");
  t.is(r.match("t999:a"), undefined);
});

test("a bad pattern is a startup error with a stable code", (t) => {
  const socket = defineSocket({ serializers: [jsonV2] });
  for (const bad of ["room:*:x", "*room", "", "a**"]) {
    const e = t.throws(() => socket.channel(bad, { join: () => true }), { instanceOf: FawkesError });
    t.is(e?.code, "ERR_BAD_PATTERN");
  }
});

test("socket definition validates transports and serializers", (t) => {
  t.is((t.throws(() => defineSocket({ serializers: [] })) as FawkesError).code, "ERR_NO_SERIALIZER");
  const s = defineSocket({ serializers: [jsonV2] });
  const fake = { kind: "x", capabilities: { binary: false, delivery: "push", heartbeats: "client" } as const, attach: () => ({ close: async () => {} }) };
  s.transport("websocket", fake);
  t.is((t.throws(() => s.transport("websocket", fake)) as FawkesError).code, "ERR_BAD_TRANSPORT");
  t.is((t.throws(() => s.transport("bad/name", fake)) as FawkesError).code, "ERR_BAD_TRANSPORT");
});
