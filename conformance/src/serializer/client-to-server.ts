import type { ClientMessage } from "../codec.js";
import { comparable, deepFreeze } from "../comparable.js";
import { register } from "../register.js";
import type { TestFn } from "../test-fn.js";
import type { SerializerSuiteOptions } from "./options.js";

const NESTED = { a: { b: { c: [1, 2, { d: null, e: true, f: 1.5, g: -3 }] } }, s: "", n: 0, list: [[], {}, [[]]] };

/** Client messages a real client sends, each checked to decode back to itself. */
export const CLIENT_MESSAGES: ReadonlyArray<readonly [string, ClientMessage]> = [
  ["phx_join with join_ref and ref", { joinRef: "1", ref: "1", topic: "room:lobby", event: "phx_join", payload: {} }],
  ["phx_join with a payload", { joinRef: "7", ref: "8", topic: "room:42", event: "phx_join", payload: { token: "abc", reject: false } }],
  ["phx_leave", { joinRef: "1", ref: "9", topic: "room:lobby", event: "phx_leave", payload: {} }],
  ["heartbeat with join_ref null", { joinRef: null, ref: "3", topic: "phoenix", event: "heartbeat", payload: {} }],
  ["event with join_ref and ref null", { joinRef: null, ref: null, topic: "room:lobby", event: "new_msg", payload: { body: "hi" } }],
  ["event with join_ref set and ref null", { joinRef: "12", ref: null, topic: "room:lobby", event: "new_msg", payload: { body: "hi" } }],
  ["unicode topic and payload", { joinRef: "2", ref: "4", topic: "room:café☕", event: "new_msg", payload: { body: "héllo 👋 世界", "ключ": "значение" } }],
  ["nested payload", { joinRef: "2", ref: "5", topic: "room:lobby", event: "nested", payload: NESTED }],
  ["long refs", { joinRef: "123456789012", ref: "98765432109876", topic: "room:lobby", event: "e", payload: {} }],
];

/** client -> server: what a client encodes, the serializer decodes unchanged. */
export function clientToServerCases(test: TestFn, title: string, options: SerializerSuiteOptions): void {
  const { serializer, codec } = options;
  for (const [name, message] of CLIENT_MESSAGES) {
    register(test, `${title} › client->server: ${name}`, (t) => {
      const frame = codec.encode(deepFreeze({ ...message }));
      const decoded = serializer.decode(frame);
      t.deepEqual(comparable(decoded), comparable(message), "the decoded message differs from what the client sent");
    });
  }
}
