import type { Broadcast, Frame, Message, Outbound, Serializer } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { consume, type MicroCase } from "./suite.js";

const payload = { body: "hello from the bench", user: { id: 42, name: "ada" }, tags: ["a", "b", "c"] };
const push: Message = { joinRef: "1", ref: null, topic: "room:lobby", event: "new_msg", payload };
const reply: Outbound = { kind: "reply", joinRef: "1", ref: "7", topic: "room:lobby", status: "ok", response: payload };
const broadcast: Broadcast = { topic: "room:lobby", event: "new_msg", payload: { seq: 1, body: "x".repeat(80) } };
const binaryBroadcast: Broadcast = { topic: "room:lobby", event: "blob", payload: new Uint8Array(100).fill(7) };

/**
 * Serializers that may or may not be built yet, loaded by name at run time so the
 * bench builds without them. Every export shaped like a Serializer is benchmarked.
 */
const OPTIONAL_PACKAGES = ["@fawkes/msgpack", "@fawkes/protobuf"];

function isSerializer(value: unknown): value is Serializer {
  const s = value as Serializer;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof s.encode === "function" &&
    typeof s.decode === "function" &&
    typeof s.fastlane === "function" &&
    Array.isArray(s.vsn) &&
    typeof s.name === "string"
  );
}

/** jsonV1, jsonV2, and the serializers of the optional packages that load. */
export async function loadSerializers(log: (line: string) => void): Promise<{ serializer: Serializer; clientFrame: Frame }[]> {
  const found: { serializer: Serializer; clientFrame: Frame }[] = [
    { serializer: jsonV2, clientFrame: { opcode: "text", data: JSON.stringify(["1", "7", "room:lobby", "new_msg", payload]) } },
    { serializer: jsonV1, clientFrame: { opcode: "text", data: JSON.stringify({ join_ref: "1", ref: "7", topic: "room:lobby", event: "new_msg", payload }) } },
  ];
  for (const name of OPTIONAL_PACKAGES) {
    let module: Record<string, unknown>;
    try {
      const specifier: string = name;
      module = (await import(specifier)) as Record<string, unknown>;
    } catch {
      log(`  ${name}: not built, skipped`);
      continue;
    }
    for (const value of Object.values(module)) {
      if (!isSerializer(value) || found.some((f) => f.serializer === value)) continue;
      // A client frame in the serializer's own format: its encoding of the push,
      // if it decodes (symmetric formats); otherwise decode is not benchmarked.
      const clientFrame = value.encode({ ...push, ref: "7" });
      found.push({ serializer: value, clientFrame });
    }
  }
  return found;
}

/** Payload sizes for the per-size cases: a chat message, ~1 KB and ~16 KB of them. */
const chat = (i: number) => ({ user: `user${i % 7}`, body: `message number ${i}, hello there`, ts: 1732560000 + i });
const SIZES: readonly { label: string; payload: unknown }[] = [
  { label: "chat", payload: chat(1) },
  { label: "~1 KB", payload: { messages: Array.from({ length: 14 }, (_, i) => chat(i)) } },
  { label: "~16 KB", payload: { messages: Array.from({ length: 220 }, (_, i) => chat(i)) } },
];

/** Bytes a frame puts on the wire (its payload; text as UTF-8). */
export function wireBytes(frame: Frame): number {
  return frame.opcode === "text" ? Buffer.byteLength(frame.data, "utf8") : frame.data.byteLength;
}

/**
 * encode (push, reply), fastlane (text and binary payload) and decode for one
 * serializer, then fastlane and decode at each payload size, with the bytes on
 * the wire of every frame involved.
 */
export function serializerCases(serializer: Serializer, clientFrame: Frame): MicroCase[] {
  const sized = (name: string, frame: () => Frame, fn: () => void): MicroCase => ({ name, fn, wireBytes: wireBytes(frame()) });
  const cases: MicroCase[] = [
    sized(
      `${serializer.name} encode push`,
      () => serializer.encode(push),
      () => consume(serializer.encode(push)),
    ),
    sized(
      `${serializer.name} encode reply`,
      () => serializer.encode(reply),
      () => consume(serializer.encode(reply)),
    ),
    sized(
      `${serializer.name} fastlane ~100 B`,
      () => serializer.fastlane(broadcast),
      () => consume(serializer.fastlane(broadcast)),
    ),
  ];
  try {
    serializer.fastlane(binaryBroadcast);
    cases.push(
      sized(
        `${serializer.name} fastlane binary 100 B`,
        () => serializer.fastlane(binaryBroadcast),
        () => consume(serializer.fastlane(binaryBroadcast)),
      ),
    );
  } catch {
    /* no binary payloads in this serializer */
  }
  const decodes = (frame: Frame): boolean => {
    try {
      serializer.decode(frame);
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(clientFrame)) {
    cases.push({ name: `${serializer.name} decode push`, fn: () => consume(serializer.decode(clientFrame)), wireBytes: wireBytes(clientFrame) });
  }
  for (const { label, payload } of SIZES) {
    const b: Broadcast = { topic: "room:lobby", event: "new_msg", payload };
    cases.push(
      sized(
        `${serializer.name} fastlane ${label}`,
        () => serializer.fastlane(b),
        () => consume(serializer.fastlane(b)),
      ),
    );
    // A client push of the same payload in the serializer's own format (symmetric formats).
    const frame = serializer.encode({ joinRef: "1", ref: "7", topic: "room:lobby", event: "new_msg", payload });
    if (decodes(frame)) cases.push({ name: `${serializer.name} decode ${label}`, fn: () => consume(serializer.decode(frame)), wireBytes: wireBytes(frame) });
  }
  return cases;
}
