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
  return typeof value === "object" && value !== null && typeof s.encode === "function" && typeof s.decode === "function"
    && typeof s.fastlane === "function" && Array.isArray(s.vsn) && typeof s.name === "string";
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

/** encode (push, reply), fastlane (text and binary payload) and decode for one serializer. */
export function serializerCases(serializer: Serializer, clientFrame: Frame): MicroCase[] {
  const cases: MicroCase[] = [
    { name: `${serializer.name} encode push`, fn: () => consume(serializer.encode(push)) },
    { name: `${serializer.name} encode reply`, fn: () => consume(serializer.encode(reply)) },
    { name: `${serializer.name} fastlane ~100 B`, fn: () => consume(serializer.fastlane(broadcast)) },
  ];
  try {
    serializer.fastlane(binaryBroadcast);
    cases.push({ name: `${serializer.name} fastlane binary 100 B`, fn: () => consume(serializer.fastlane(binaryBroadcast)) });
  } catch { /* no binary payloads in this serializer */ }
  try {
    serializer.decode(clientFrame);
    cases.push({ name: `${serializer.name} decode push`, fn: () => consume(serializer.decode(clientFrame)) });
  } catch { /* the client format differs from the server's; no client frame to decode */ }
  return cases;
}
