import type { Frame } from "@fawkes/core";
import { comparable, comparableFrame, deepFreeze, describeFrame } from "../comparable.js";
import { register } from "../register.js";
import type { TestFn } from "../test-fn.js";
import type { SerializerSuiteOptions } from "./options.js";

/** One case per golden vector: exact frames for known messages. */
export function goldenCases(test: TestFn, title: string, options: SerializerSuiteOptions): void {
  const { serializer } = options;
  const vectors = options.golden ?? [];
  if (vectors.length === 0) {
    register(
      test,
      `${title} › golden vectors`,
      (t) => {
        t.pass();
      },
      "no golden vectors given",
    );
    return;
  }
  for (const vector of vectors) {
    register(test, `${title} › golden ${vector.kind}: ${vector.name}`, (t) => {
      if (vector.kind === "decode") {
        t.deepEqual(comparable(serializer.decode(vector.frame)), comparable(vector.message));
        return;
      }
      const frame = vector.kind === "encode" ? serializer.encode(deepFreeze(vector.message)) : serializer.fastlane(deepFreeze(vector.broadcast));
      t.deepEqual(sameFrame(frame, vector.frame, vector.compare ?? "exact"), true, `expected ${describeFrame(vector.frame)}, got ${describeFrame(frame)}`);
    });
  }
}

function sameFrame(actual: Frame, expected: Frame, compare: "exact" | "json"): boolean {
  if (compare === "json" && actual.opcode === "text" && expected.opcode === "text") {
    try {
      return JSON.stringify(sortKeys(JSON.parse(actual.data))) === JSON.stringify(sortKeys(JSON.parse(expected.data)));
    } catch {
      return false;
    }
  }
  return JSON.stringify(comparableFrame(actual)) === JSON.stringify(comparableFrame(expected));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
