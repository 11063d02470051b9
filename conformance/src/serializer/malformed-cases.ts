import { SerializerError, type Frame, type Message } from "@fawkes/core";
import { describeFrame, seededBytes } from "../comparable.js";
import { register } from "../register.js";
import type { TestFn } from "../test-fn.js";
import type { SerializerSuiteOptions } from "./options.js";

const text = (data: string): Frame => ({ opcode: "text", data });
const binary = (...bytes: number[]): Frame => ({ opcode: "binary", data: Uint8Array.from(bytes) });

/** Frames every serializer must refuse: nothing in them can be a message. */
const EMPTY: readonly Frame[] = [text(""), { opcode: "binary", data: new Uint8Array(0) }];

/** Garbage a serializer may refuse or, if its format allows, read as a well-formed message; never anything else. */
const GARBAGE: ReadonlyArray<readonly [string, readonly Frame[]]> = [
  ["random bytes", Array.from({ length: 24 }, (_, i) => ({ opcode: "binary" as const, data: seededBytes(i + 1, 1 + ((i * 7) % 64)) }))],
  [
    "truncated binary headers",
    [
      binary(0),
      binary(0, 1),
      binary(0, 5, 5, 5, 5),
      binary(0, 255, 255, 255, 255, 1, 2),
      binary(1, 0, 0, 0, 0),
      binary(2),
      binary(0, 1, 1, 1, 1, 0xff, 0xfe, 0xfd, 0xfc),
      binary(0x92, 0xc0),
      binary(0xdc, 0xff, 0xff),
    ],
  ],
  [
    "invalid JSON text",
    [text("not json"), text("["), text("{"), text('{"topic":'), text("nul"), text("\u0000"), text("\ud800"), text("[1,2,3"), text("\uFEFF[]")],
  ],
  [
    "wrong JSON shapes",
    [
      text("{}"),
      text("[]"),
      text("[1,2,3]"),
      text("null"),
      text("42"),
      text('"str"'),
      text("true"),
      text("[null,null,1,2,{}]"),
      text('[null,null,"t","e"]'),
      text('[null,null,"t","e",{},6]'),
      text('[{},[],"t","e",{}]'),
      text('{"topic":"a","event":5}'),
      text('{"topic":1,"event":"e","payload":{}}'),
      text('{"event":"e"}'),
      text('{"topic":"t","event":"e","ref":{}}'),
    ],
  ],
  ["deeply nested JSON", [text(`${"[".repeat(100_000)}${"]".repeat(100_000)}`), text(`${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`)]],
];

/** Why `error` is not an acceptable decode failure, or null when it is. */
function badThrow(error: unknown): string | null {
  if (!(error instanceof SerializerError)) {
    const name = error instanceof Error ? `${error.name}${"code" in error ? ` (${String(error.code)})` : ""}` : typeof error;
    return `threw ${name}, not a SerializerError`;
  }
  if (typeof error.code !== "string" || !error.code.startsWith("ERR_")) return `threw a SerializerError with code ${String(error.code)}`;
  return null;
}

/** Why `m` is not a well-formed message, or null when it is. */
function badMessage(m: Message): string | null {
  if (m === null || typeof m !== "object") return "returned a non-object";
  if (typeof m.topic !== "string" || typeof m.event !== "string") return "returned a message without string topic/event";
  if (!(m.joinRef === null || typeof m.joinRef === "string")) return "returned a join_ref that is neither string nor null";
  if (!(m.ref === null || typeof m.ref === "string")) return "returned a ref that is neither string nor null";
  if (!("payload" in m)) return "returned a message without payload";
  return null;
}

/** Malformed frames throw a `SerializerError` with an `ERR_*` code, never another exception. */
export function malformedCases(test: TestFn, title: string, options: SerializerSuiteOptions): void {
  const { serializer } = options;
  const mustRefuse = (frames: readonly Frame[]): string[] => {
    const failures: string[] = [];
    for (const frame of frames) {
      try {
        serializer.decode(frame);
        failures.push(`${describeFrame(frame)}: decoded instead of throwing`);
      } catch (error) {
        const why = badThrow(error);
        if (why !== null) failures.push(`${describeFrame(frame)}: ${why}`);
      }
    }
    return failures;
  };

  register(test, `${title} › malformed: empty frames throw SerializerError`, (t) => {
    t.deepEqual(mustRefuse(EMPTY), []);
  });
  for (const [name, frames] of GARBAGE) {
    register(test, `${title} › malformed: ${name} throw only SerializerError`, (t) => {
      const failures: string[] = [];
      for (const frame of frames) {
        try {
          const why = badMessage(serializer.decode(frame));
          if (why !== null) failures.push(`${describeFrame(frame)}: ${why}`);
        } catch (error) {
          const why = badThrow(error);
          if (why !== null) failures.push(`${describeFrame(frame)}: ${why}`);
        }
      }
      t.deepEqual(failures, []);
    });
  }
  const own = options.malformed ?? [];
  register(
    test,
    `${title} › malformed: the serializer's own malformed frames throw SerializerError`,
    (t) => {
      t.deepEqual(mustRefuse(own), []);
    },
    own.length === 0 ? "no malformed frames given" : undefined,
  );
}
