import type { Broadcast, Outbound } from "@fawkes/core";
import type { ServerMessage } from "../codec.js";
import { comparable, comparableFrame, deepFreeze } from "../comparable.js";
import { register } from "../register.js";
import type { TestFn } from "../test-fn.js";
import type { SerializerSuiteOptions } from "./options.js";

/** server -> client: pushes, replies and broadcasts reach the client as sent. */
export function serverToClientCases(test: TestFn, title: string, options: SerializerSuiteOptions): void {
  const { serializer, codec } = options;
  const jr = (joinRef: string | null): string | null => (codec.joinRefFromServer === false ? null : joinRef);
  const check = (name: string, outbound: Outbound, expected: ServerMessage): void => {
    register(test, `${title} › server->client: ${name}`, (t) => {
      const decoded = codec.decode(serializer.encode(deepFreeze(outbound)));
      t.deepEqual(comparable(decoded), comparable(expected), "the client decoded something else");
    });
  };
  const reply = (joinRef: string | null, ref: string | null, status: string, response: unknown): Outbound => ({
    kind: "reply",
    joinRef,
    ref,
    topic: "room:lobby",
    status,
    response,
  });

  check(
    "push",
    { joinRef: "4", ref: null, topic: "room:lobby", event: "new_msg", payload: { body: "hi", n: [1, 2] } },
    { joinRef: jr("4"), ref: null, topic: "room:lobby", event: "new_msg", payload: { body: "hi", n: [1, 2] } },
  );
  check(
    "push with unicode",
    { joinRef: "4", ref: null, topic: "room:café☕", event: "ünï", payload: { body: "👋 世界" } },
    { joinRef: jr("4"), ref: null, topic: "room:café☕", event: "ünï", payload: { body: "👋 世界" } },
  );
  check(
    "phx_error carries ref = join_ref",
    { joinRef: "4", ref: "4", topic: "room:lobby", event: "phx_error", payload: { reason: "channel_crash" } },
    { joinRef: jr("4"), ref: "4", topic: "room:lobby", event: "phx_error", payload: { reason: "channel_crash" } },
  );
  check(
    "phx_close carries ref = join_ref",
    { joinRef: "4", ref: "4", topic: "room:lobby", event: "phx_close", payload: {} },
    { joinRef: jr("4"), ref: "4", topic: "room:lobby", event: "phx_close", payload: {} },
  );
  for (const [status, response] of [
    ["ok", { joined: "room:lobby" }],
    ["error", { reason: "unauthorized" }],
    ["custom_status", { nested: { list: [1, "two", null] } }],
  ] as const) {
    check(`reply ${status}`, reply("4", "9", status, response), {
      joinRef: jr("4"),
      ref: "9",
      topic: "room:lobby",
      event: "phx_reply",
      payload: { status, response },
    });
  }
  check("reply with join_ref null (unmatched topic)", reply(null, "2", "error", { reason: "unmatched topic" }), {
    joinRef: null,
    ref: "2",
    topic: "room:lobby",
    event: "phx_reply",
    payload: { status: "error", response: { reason: "unmatched topic" } },
  });

  register(test, `${title} › server->client: broadcast via fastlane`, (t) => {
    const broadcast: Broadcast = deepFreeze({ topic: "room:lobby", event: "new_msg", payload: { body: "hi", nested: { a: [1] } } });
    const decoded = codec.decode(serializer.fastlane(broadcast));
    t.deepEqual(comparable(decoded), comparable({ joinRef: null, ref: null, ...broadcast }), "the client decoded something else");
  });

  register(test, `${title} › fastlane frame reads as the encoded broadcast`, (t) => {
    const broadcast: Broadcast = deepFreeze({ topic: "room:lobby", event: "new_msg", payload: { body: "same", n: 1 } });
    const viaFastlane = codec.decode(serializer.fastlane(broadcast));
    const viaEncode = codec.decode(serializer.encode(deepFreeze({ joinRef: null, ref: null, ...broadcast })));
    t.deepEqual(comparable(viaFastlane), comparable(viaEncode), "fastlane and encode disagree for the same broadcast");
  });

  register(test, `${title} › fastlane is deterministic and its input reusable`, (t) => {
    const broadcast: Broadcast = deepFreeze({ topic: "room:lobby", event: "new_msg", payload: { body: "again", list: [1, 2, 3] } });
    const first = serializer.fastlane(broadcast);
    const firstCopy = comparableFrame(first);
    const second = serializer.fastlane(broadcast);
    t.deepEqual(comparableFrame(second), firstCopy, "two fastlane calls for the same broadcast gave different frames");
    // The frame is shared by every subscriber: reading it must not consume or change it.
    const a = codec.decode(first);
    const b = codec.decode(first);
    t.deepEqual(comparable(a), comparable(b), "decoding the same frame twice gave different messages");
    t.deepEqual(comparableFrame(first), firstCopy, "the fastlane frame changed after use");
  });
}
