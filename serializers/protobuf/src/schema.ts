/**
 * @fawkes/protobuf/schema: schema helpers built with protobufjs at runtime (no code
 * generation), browser-safe.
 *
 * ```ts
 * import { typesFromProto } from "@fawkes/protobuf/schema";
 * export const chatTypes = typesFromProto(`
 *   syntax = "proto3";
 *   package chat;
 *   message ChatMessage { string user = 1; string body = 2; int64 ts = 3; }
 * `, { new_msg: "chat.ChatMessage" });
 * // server: protobufSerializer({ types: chatTypes }); client: protobufCodec({ types: chatTypes })
 * ```
 */
import protobuf from "protobufjs";
import { CodecError } from "./codec-error.js";
import { FAWKES_PROTO } from "./fawkes-proto.js";
import type { ProtobufTypes } from "./typed-payloads.js";

export { FAWKES_PROTO } from "./fawkes-proto.js";
export type { ProtobufTypes } from "./typed-payloads.js";

/**
 * A protobufjs Root holding the envelope schema (`fawkes.Envelope`, `fawkes.Value`,
 * ...), parsed from {@link FAWKES_PROTO}: for tools that want to inspect frames with
 * protobufjs. The serializer itself does not need it.
 */
export function envelopeRoot(): protobuf.Root {
  return protobuf.parse(FAWKES_PROTO, { keepCase: true }).root;
}

/**
 * Parse `.proto` text and pick a message type per event:
 * `typesFromProto(text, { new_msg: "chat.ChatMessage" })`. Field names keep their
 * case from the .proto unless `keepCase` is false (protobufjs then camelCases them,
 * and payload keys must be camelCase). Throws `CodecError` `ERR_BAD_OPTION` when the
 * text does not parse or a name is not a message type.
 */
export function typesFromProto(protoText: string, events: Readonly<Record<string, string>>, options: { keepCase?: boolean } = {}): ProtobufTypes {
  let root: protobuf.Root;
  try {
    root = protobuf.parse(protoText, { keepCase: options.keepCase ?? true }).root;
    root.resolveAll();
  } catch (cause) {
    throw new CodecError("ERR_BAD_OPTION", "the .proto text does not parse", { cause });
  }
  const types: Record<string, protobuf.Type> = {};
  for (const [event, name] of Object.entries(events)) {
    try {
      types[event] = root.lookupType(name);
    } catch (cause) {
      throw new CodecError("ERR_BAD_OPTION", `${JSON.stringify(name)} is not a message type of the .proto`, { cause });
    }
  }
  return types;
}
