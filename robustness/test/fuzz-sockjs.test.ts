// SockJS framing on a live server child with a bystander: the raw WebSocket endpoint
// (`/socket/sockjs/websocket`, one message per WebSocket frame), the framed one
// (`/socket/sockjs/<server>/<session>/websocket`, JSON arrays of strings) and xhr
// polling with `xhr_send` bodies. Hostile input: strings that are not Phoenix frames,
// arrays of non-strings, nested arrays, invalid JSON, several messages in one frame.
// Each session gets a clean close (a close code sockjs can send) or keeps serving a
// heartbeat; never a hang, never a crash.
import test from "ava";
import fc from "fast-check";
import { jsonV1, jsonV2 } from "@fawkes/json";
import type { Message } from "@fawkes/core";
import { SockJSXhrSession, fuzzRuns, heartbeat, readSockJSFrame, wsProbe, type RawMessage } from "@fawkes/robustness";
import { brokenJsonText, deepJsonText, structuredMessage, wrongShapeJson } from "./arbitraries.js";
import { CLEAN_CLOSE_CODES, fuzzAgainst, underAttack } from "./under-attack.js";

const RUNS = fuzzRuns(200);

/**
 * SockJS (faye-websocket, sockjs-client) can only carry 1000 and 3000-4999, so the
 * transport shifts the core's 1001-1999 codes by 2000 (1007 -> 3007). Clean: a clean
 * core code, or one shifted, sockjs's own 3000 ("Go away!", "Broken framing"), or a
 * refusal 4000-4999. Never 3011 (the core's 1011, a server error).
 */
function cleanSockJSClose(code: number): boolean {
  return CLEAN_CLOSE_CODES.has(code) || CLEAN_CLOSE_CODES.has(code - 2000) || code === 3000 || (code >= 4000 && code <= 4999);
}

const VSNS = ["2.0.0", "1.0.0"] as const;
type Vsn = (typeof VSNS)[number];

function phoenixText(vsn: Vsn, m: Message): string {
  const serializer = vsn === "2.0.0" ? jsonV2 : jsonV1;
  try {
    const f = serializer.encode(m);
    return f.opcode === "text" ? f.data : "{}";
  } catch {
    return "{}";
  }
}

/** One SockJS message (a string handed to the core): a Phoenix frame with hostile content, or not a Phoenix frame at all. */
const phoenixishString = (vsn: Vsn): fc.Arbitrary<string> =>
  fc.oneof(
    structuredMessage.map((m) => phoenixText(vsn, m)),
    wrongShapeJson.map((v) => JSON.stringify(v)),
    brokenJsonText,
    fc.string({ unit: "binary", maxLength: 200 }),
    deepJsonText,
  );

/** A SockJS frame body as the client sends it: a JSON array of strings, or something else. */
const sockjsBody = (vsn: Vsn): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(phoenixishString(vsn), { minLength: 1, maxLength: 4 }).map((strings) => JSON.stringify(strings)),
    fc
      .array(
        structuredMessage.map((m) => phoenixText(vsn, m)),
        { minLength: 2, maxLength: 5 },
      )
      .map((strings) => JSON.stringify(strings)), // several messages per frame
    fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 4 }).map((values) => JSON.stringify(values)), // non-strings
    fc.array(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { minLength: 1, maxLength: 3 }).map((nested) => JSON.stringify(nested)),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), // not an array
    brokenJsonText,
    fc.constantFrom("", "[]", "[", '"x"', "null", "[null]", "[false]", '[""]'),
  );

const heartbeatText = (vsn: Vsn, ref: string): string => phoenixText(vsn, heartbeat(ref));
const repliesTo =
  (ref: string) =>
  (message: string): boolean =>
    message.includes(`"${ref}"`) && message.includes("phx_reply");

const rawMessages = (vsn: Vsn): fc.Arbitrary<RawMessage[]> =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: phoenixishString(vsn).map((text): RawMessage => ({ text })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((binary): RawMessage => ({ binary })) },
    ),
    { minLength: 1, maxLength: 4 },
  );

test("sockjs raw websocket: hostile messages get a clean close or keep being served", async (t) => {
  t.timeout(120_000);
  const target = await underAttack(t);
  await fuzzAgainst(
    t,
    target,
    fc.constantFrom(...VSNS).chain((vsn) => fc.tuple(fc.constant(vsn), rawMessages(vsn))),
    RUNS,
    async ([vsn, messages], ref) => {
      const outcome = await wsProbe(`ws://127.0.0.1:${target.server.port}/socket/sockjs/websocket?vsn=${vsn}`, {
        awaitFirst: (data) => data.toString("utf8") === "fawkes:open",
        messages,
        liveness: { text: heartbeatText(vsn, ref) },
        isAlive: (data) => repliesTo(ref)(data.toString("utf8")),
      });
      if (outcome.kind === "refused") throw new Error(`refused ${outcome.status}`);
      if (outcome.kind === "closed" && !cleanSockJSClose(outcome.code)) throw new Error(`unclean close ${outcome.code} ${outcome.reason}`);
      return outcome.kind === "closed" ? `closed ${outcome.code}` : "alive";
    },
  );
});

test("sockjs framed websocket: any frame body gets a clean close or the session keeps serving", async (t) => {
  t.timeout(120_000);
  const target = await underAttack(t);
  await fuzzAgainst(
    t,
    target,
    fc.constantFrom(...VSNS).chain((vsn) => fc.tuple(fc.constant(vsn), fc.array(sockjsBody(vsn), { minLength: 1, maxLength: 3 }))),
    RUNS,
    async ([vsn, bodies], ref) => {
      const session = `${Math.floor(Math.random() * 1000)}/${ref}x${Date.now().toString(36)}`;
      const outcome = await wsProbe(`ws://127.0.0.1:${target.server.port}/socket/sockjs/${session}/websocket?vsn=${vsn}`, {
        awaitFirst: (data) => {
          const f = readSockJSFrame(data.toString("utf8"));
          return f !== undefined && "messages" in f && f.messages.includes("fawkes:open");
        },
        messages: bodies.map((text) => ({ text })),
        liveness: { text: JSON.stringify([heartbeatText(vsn, ref)]) },
        isAlive: (data) => {
          const f = readSockJSFrame(data.toString("utf8"));
          return f !== undefined && "messages" in f && f.messages.some(repliesTo(ref));
        },
        closeFrom: (data) => {
          const f = readSockJSFrame(data.toString("utf8"));
          return f !== undefined && "close" in f ? f.close : undefined;
        },
      });
      if (outcome.kind === "refused") throw new Error(`refused ${outcome.status}`);
      if (outcome.kind === "closed" && !cleanSockJSClose(outcome.code)) throw new Error(`unclean close ${outcome.code} ${outcome.reason}`);
      return outcome.kind === "closed" ? `closed ${outcome.code}` : "alive";
    },
  );
});

/**
 * sockjs's own answers to a bad xhr_send body. The last is its generic answer when its
 * own body check throws: `{"__proto__":null}` makes `trans-xhr.js` read `null.constructor`;
 * sockjs catches that in its request filter, answers 500 and the session lives on (found
 * by this property; the session is checked below like after any other answer).
 */
const SOCKJS_BODY_ERRORS = new Set(["Broken JSON encoding.", "Payload expected.", "500 - Internal Server Error"]);

test("sockjs xhr_send: any body gets 204, 413 or sockjs's own 500 answer; the session then serves a heartbeat or closes cleanly", async (t) => {
  t.timeout(120_000);
  const target = await underAttack(t);
  await fuzzAgainst(
    t,
    target,
    fc
      .constantFrom(...VSNS)
      .chain((vsn) => fc.tuple(fc.constant(vsn), sockjsBody(vsn), fc.constantFrom("text/plain", "application/json", "application/xml", ""))),
    RUNS,
    async ([vsn, body, type], ref) => {
      const session = new SockJSXhrSession(target.server.url, `vsn=${vsn}`);
      if (!(await session.open())) throw new Error("the session did not open");
      const sent = await session.send(body, type);
      if (sent.status === 500 && !SOCKJS_BODY_ERRORS.has(sent.text.trim())) throw new Error(`xhr_send answered 500 ${sent.text.slice(0, 200)}`);
      if (![204, 404, 413, 500].includes(sent.status)) throw new Error(`xhr_send answered ${sent.status} ${sent.text.slice(0, 200)}`);
      const hb = await session.send(JSON.stringify([heartbeatText(vsn, ref)]));
      if (hb.status !== 204 && hb.status !== 404) throw new Error(`heartbeat xhr_send answered ${hb.status} ${hb.text.slice(0, 200)}`);
      const after = await session.pollUntil(repliesTo(ref));
      if (after !== "served" && after.code !== 0 && !cleanSockJSClose(after.code)) throw new Error(`unclean close ${after.code} ${after.reason}`);
      return `xhr_send ${sent.status}, then ${after === "served" ? "served" : `closed ${after.code}`}`;
    },
  );
});
