// @fawkes/core/codec: the browser-safe client contracts shared by every client codec.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CodecError, binaryFrameBytes, refOrNull, toPhoenixClientMessage } from "@fawkes/core/codec";
import * as main from "@fawkes/core";
import * as testing from "@fawkes/core/testing";
import { importGraph, packageDir } from "./import-graph.js";

const CORE = packageDir(import.meta.url);

test('refOrNull: null and undefined are null, "" stays "" (as the phoenix client\'s serializer keeps it), numbers become strings', (t) => {
  t.is(refOrNull(null), null);
  t.is(refOrNull(undefined), null);
  t.is(refOrNull(""), "");
  t.is(refOrNull("7"), "7");
  t.is(refOrNull(7), "7");
});

test("toPhoenixClientMessage: reads absent refs as null and refuses a message without string topic and event", (t) => {
  t.deepEqual(toPhoenixClientMessage({ topic: "phoenix", event: "heartbeat", payload: {}, ref: 3 }), {
    join_ref: null,
    ref: "3",
    topic: "phoenix",
    event: "heartbeat",
    payload: {},
  });
  const error = t.throws(() => toPhoenixClientMessage({ topic: 1, event: "e" }), { instanceOf: CodecError });
  t.is(error.code, "ERR_UNENCODABLE");
});

test("binaryFrameBytes: the bytes of an ArrayBuffer or a view, ERR_TEXT_FRAME for a string", (t) => {
  t.deepEqual(Array.from(binaryFrameBytes(Uint8Array.of(1, 2, 3).buffer)), [1, 2, 3]);
  t.deepEqual(Array.from(binaryFrameBytes(Uint8Array.of(0, 1, 2, 3).subarray(1, 3))), [1, 2]);
  t.is(t.throws(() => binaryFrameBytes("[]"), { instanceOf: CodecError }).code, "ERR_TEXT_FRAME");
  t.is(t.throws(() => binaryFrameBytes({} as ArrayBuffer), { instanceOf: CodecError }).code, "ERR_MALFORMED_FRAME");
});

test("the codec entry reaches no other package and no node: module, type imports included", (t) => {
  const graph = importGraph(join(CORE, "src"));
  const reached = new Set<string>();
  const visit = (file: string): void => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const next of graph.get(file)?.local ?? []) visit(next);
  };
  visit("contracts/codec-entry.ts");
  t.true(reached.size >= 3, [...reached].join(", "));
  t.deepEqual(
    [...reached].flatMap((file) => graph.get(file)!.external),
    [],
  );
  const exports = JSON.parse(readFileSync(join(CORE, "package.json"), "utf8")).exports as Record<string, Record<string, string>>;
  t.deepEqual(Object.keys(exports["./codec"]!), ["types", "default"], "types first");
  t.deepEqual(Object.keys(exports["./testing"]!), ["types", "default"], "types first");
});

test("the main entry is server code only: the client and test contracts live in their subpaths", (t) => {
  for (const name of ["CodecError", "refOrNull", "FrameInbox"]) t.false(name in main, name);
  t.is(typeof testing.FrameInbox, "function");
});
