/**
 * Every built-in transport and serializer, served by the fixture server. A
 * transport or serializer package adds itself here with one line.
 */
import type { Serializer, Transport } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { msgpackV2 } from "@fawkes/msgpack";
import { protobufV2 } from "@fawkes/protobuf";
import { websocket } from "@fawkes/websocket";
import { longpoll } from "@fawkes/longpoll";
import { sockjs } from "@fawkes/sockjs";

/** Built-in transports by the name they are served under, as factories (one instance per server). */
export const builtinTransports: Readonly<Record<string, () => Transport>> = {
  websocket: () => websocket(),
  longpoll: () => longpoll(),
  sockjs: () => sockjs(),
};

/** Built-in serializers, in negotiation order. */
export const builtinSerializers: readonly Serializer[] = [jsonV2, jsonV1, msgpackV2, protobufV2];
