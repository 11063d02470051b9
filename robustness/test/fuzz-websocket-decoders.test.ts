// Every decoder the fixture server runs over WebSocket (JSON V1 text, JSON V2 text and
// binary, MessagePack, protobuf), fed arbitrary bytes and structured-but-wrong messages
// on a live server child while a bystander must keep being served. Each hostile
// connection must get a clean answer: a close with a documented code, or (for input
// that is merely wrong, not malformed) a served heartbeat afterwards. Never a hang.
import test from "ava";
import fc from "fast-check";
import { encode as msgpackEncode } from "@msgpack/msgpack";
import { WIRE_CODECS, fuzzRuns, heartbeat, wsProbe, type RawMessage, type WireCodec } from "@fawkes/robustness";
import { brokenJsonText, deepJsonText, protobufFields, structuredMessage, wrongShapeJson } from "./arbitraries.js";
import { CLEAN_CLOSE_CODES, assertSurvived, describeFailure, underAttack } from "./under-attack.js";

const RUNS = fuzzRuns(200);
/** The transport's default `maxFrameSize`: one byte more closes with 1009. */
const MAX_FRAME = 1024 * 1024;

const joinFuzzRoom = { joinRef: "j", ref: "j", topic: "room:fuzz", event: "phx_join", payload: {} };

const anyBytes = fc.uint8Array({ maxLength: 600 });
const textOf = (a: fc.Arbitrary<string>): fc.Arbitrary<RawMessage> => a.map((text) => ({ text }));
const binaryOf = (a: fc.Arbitrary<Uint8Array>): fc.Arbitrary<RawMessage> => a.map((binary) => ({ binary }));

/** Raw messages that are not a message of `codec` at all: noise, broken encodings, wrong shapes. */
function malformedFor(codec: WireCodec): fc.Arbitrary<RawMessage> {
  const common = [
    binaryOf(anyBytes),
    anyBytes.map((text): RawMessage => ({ text })), // bytes under the text opcode: mostly invalid UTF-8
    textOf(fc.string({ unit: "binary", maxLength: 300 })),
    textOf(brokenJsonText),
    textOf(wrongShapeJson.map((v) => JSON.stringify(v))),
    textOf(deepJsonText),
  ];
  // Now and then a frame just over the size limit.
  common.push(fc.integer({ min: MAX_FRAME + 1, max: MAX_FRAME + 64 }).map((n): RawMessage => ({ binary: new Uint8Array(n) })));
  switch (codec.name) {
    case "json-v2": {
      // V2 binary pushes: a kind byte, four lengths, then fields that may not match them.
      const header = fc
        .tuple(fc.constantFrom(0, 0, 0, 1, 2, 255), fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }), anyBytes)
        .map(([kind, lengths, rest]) => new Uint8Array([kind, ...lengths, ...rest]));
      return fc.oneof(...common, binaryOf(header));
    }
    case "msgpack":
      return fc.oneof(
        ...common,
        binaryOf(wrongShapeJson.map((v) => msgpackEncode(v))),
        binaryOf(fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.uint8Array({ maxLength: 8 })), { maxLength: 6 }).map((v) => msgpackEncode(v))),
      );
    case "protobuf":
      return fc.oneof(...common, binaryOf(protobufFields));
    default:
      return fc.oneof(...common);
  }
}

/**
 * Well-formed messages of `codec` with hostile content (any topic, event, refs and
 * payload), and for the JSON formats an `echo` of a payload nested thousands deep.
 */
function wrongContentFor(codec: WireCodec): fc.Arbitrary<RawMessage> {
  const structured = structuredMessage.map((m): RawMessage => {
    try {
      return asRaw(codec, m);
    } catch {
      return asRaw(codec, { ...m, payload: {} }); // the client-side encoder refused the payload
    }
  });
  if (codec.name === "json-v1")
    return fc.oneof(
      structured,
      deepJsonText.map((d) => ({ text: `{"join_ref":"j","ref":"d","topic":"room:fuzz","event":"echo","payload":${d}}` })),
    );
  if (codec.name === "json-v2")
    return fc.oneof(
      structured,
      deepJsonText.map((d) => ({ text: `["j","d","room:fuzz","echo",${d}]` })),
    );
  return structured;
}

function asRaw(codec: WireCodec, m: Parameters<WireCodec["frame"]>[0]): RawMessage {
  const f = codec.frame(m);
  return f.opcode === "text" ? { text: f.data } : { binary: f.data };
}

const kinds = [
  { kind: "malformed frames", arbitrary: malformedFor },
  { kind: "well-formed frames with hostile content", arbitrary: wrongContentFor },
] as const;

for (const codec of WIRE_CODECS) {
  for (const { kind, arbitrary } of kinds) {
    test(`websocket ${codec.name}, ${kind}: a clean close or a served heartbeat, never a hang; the bystander is served throughout`, async (t) => {
      t.timeout(120_000);
      const target = await underAttack(t);
      const outcomes = new Map<string, number>();
      let n = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.boolean(), fc.array(arbitrary(codec), { minLength: 1, maxLength: 4 }), async (joinFirst, messages) => {
            const ref = `hb${++n}`;
            const outcome = await wsProbe(`ws://127.0.0.1:${target.server.port}/socket/websocket?vsn=${encodeURIComponent(codec.vsn)}`, {
              messages: joinFirst ? [asRaw(codec, joinFuzzRoom), ...messages] : messages,
              liveness: asRaw(codec, heartbeat(ref)),
              isAlive: (data, isBinary) =>
                codec.isReplyTo(isBinary ? { opcode: "binary", data: new Uint8Array(data) } : { opcode: "text", data: data.toString("utf8") }, ref),
            });
            const key = outcome.kind === "closed" ? `closed ${outcome.code}` : outcome.kind === "refused" ? `refused ${outcome.status}` : "alive";
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
            if (outcome.kind === "refused") throw new Error(`upgrade refused with ${outcome.status}`);
            if (outcome.kind === "closed" && !CLEAN_CLOSE_CODES.has(outcome.code)) throw new Error(`unclean close ${outcome.code} ${outcome.reason}`);
            if (target.server.exit !== undefined) throw new Error("the server exited");
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      } catch (error) {
        t.fail(describeFailure(target.server, error));
      }
      t.log(`${codec.name}, ${kind}: ${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(", ")}`);
      await assertSurvived(t, target);
    });
  }
}
