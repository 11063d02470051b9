import type { Broadcast } from "@fawkes/core";
import { comparable, deepFreeze } from "../comparable.js";
import { register } from "../register.js";
import type { TestFn } from "../test-fn.js";
import type { SerializerSuiteOptions } from "./options.js";

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const PAYLOADS: ReadonlyArray<readonly [string, Uint8Array]> = [
  ["empty", new Uint8Array(0)],
  ["bytes 0..255", ALL_BYTES],
  ["bytes that look like JSON", new TextEncoder().encode('["1","2","t","e",{}]')],
];

/** Binary payloads both ways; skipped with a reason when the format has none. */
export function binaryCases(test: TestFn, title: string, options: SerializerSuiteOptions): void {
  const { serializer, codec } = options;
  const skip = options.capabilities.binaryPayloads ? undefined : "serializer declares binaryPayloads: false";
  const jr = (joinRef: string | null): string | null => (codec.joinRefFromServer === false ? null : joinRef);

  for (const [name, bytes] of PAYLOADS) {
    for (const [refs, joinRef, ref] of [
      ["refs set", "3", "4"],
      ["refs null", null, null],
    ] as const) {
      register(
        test,
        `${title} › binary client->server: ${name}, ${refs}`,
        (t) => {
          const message = { joinRef, ref, topic: "room:bin", event: "echo", payload: bytes.slice() };
          const decoded = serializer.decode(codec.encode(message));
          t.true(decoded.payload instanceof Uint8Array, "a binary payload must decode as a Uint8Array");
          t.deepEqual(comparable(decoded), comparable({ joinRef, ref, topic: "room:bin", event: "echo", payload: bytes }));
        },
        skip,
      );
    }
    register(
      test,
      `${title} › binary server->client push: ${name}`,
      (t) => {
        const decoded = codec.decode(serializer.encode({ joinRef: "3", ref: null, topic: "room:bin", event: "pushed", payload: bytes.slice() }));
        t.deepEqual(comparable(decoded), comparable({ joinRef: jr("3"), ref: null, topic: "room:bin", event: "pushed", payload: bytes }));
      },
      skip,
    );
    register(
      test,
      `${title} › binary server->client reply: ${name}`,
      (t) => {
        const decoded = codec.decode(serializer.encode({ kind: "reply", joinRef: "3", ref: "7", topic: "room:bin", status: "ok", response: bytes.slice() }));
        t.deepEqual(
          comparable(decoded),
          comparable({ joinRef: jr("3"), ref: "7", topic: "room:bin", event: "phx_reply", payload: { status: "ok", response: bytes } }),
        );
      },
      skip,
    );
    register(
      test,
      `${title} › binary broadcast via fastlane: ${name}`,
      (t) => {
        const broadcast: Broadcast = deepFreeze({ topic: "room:bin", event: "new_msg", payload: bytes.slice() });
        const frame = serializer.fastlane(broadcast);
        const decoded = codec.decode(frame);
        t.deepEqual(comparable(decoded), comparable({ joinRef: null, ref: null, topic: "room:bin", event: "new_msg", payload: bytes }));
        const viaEncode = codec.decode(serializer.encode({ joinRef: null, ref: null, ...broadcast }));
        t.deepEqual(comparable(decoded), comparable(viaEncode), "fastlane and encode disagree for the same binary broadcast");
        t.deepEqual(comparable(codec.decode(frame)), comparable(decoded), "decoding the fastlane frame twice gave different messages");
      },
      skip,
    );
  }
}
