// The LongPoll request parser on a live server child with a bystander: POST bodies
// (ndjson lines of V2 JSON, base64 of binary frames in both alphabets, garbage,
// blank and CRLF lines, more lines than a batch may carry, bodies over the limit),
// content types, and the session token in the query, the header, both, tampered or
// absent. Each POST gets a JSON status, the documented one where it is determined;
// afterwards the session either serves a heartbeat or is gone (410). Never a hang.
import test from "ava";
import fc from "fast-check";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { fuzzRuns, heartbeat, longPollOpen, longPollPost, longPollUntil, type TokenPlacement } from "@fawkes/robustness";
import { brokenJsonText, structuredMessage, wrongShapeJson } from "./arbitraries.js";
import { fuzzAgainst, underAttack } from "./under-attack.js";

const RUNS = fuzzRuns(300);
const MAX_BODY = 1024 * 1024;
const MAX_LINES = 100;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const v2Text = (m: Parameters<typeof jsonV2.encode>[0]): string => {
  const f = jsonV2.encode(m);
  return f.opcode === "text" ? f.data : "[]";
};

const line = fc.oneof(
  structuredMessage.map((m) => {
    try {
      return v2Text(m);
    } catch {
      return v2Text({ ...m, payload: {} });
    }
  }),
  wrongShapeJson.map((v) => `[${JSON.stringify(v)}]`),
  brokenJsonText.map((s) => `[${s}`),
  fc
    .tuple(fc.uint8Array({ maxLength: 80 }), fc.constantFrom("base64", "base64url"))
    .map(([b, alphabet]) => Buffer.from(b).toString(alphabet as BufferEncoding)),
  fc.string({ maxLength: 40 }).filter((s) => !s.includes("\n") && !s.includes("\r")),
  fc.constant(""),
);

const body = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n")).map(([lines, eol]) => lines.join(eol)) },
  {
    weight: 1,
    arbitrary: fc.array(fc.constant('[null,"x","phoenix","heartbeat",{}]'), { minLength: MAX_LINES + 1, maxLength: MAX_LINES + 5 }).map((l) => l.join("\n")),
  },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY + 1, max: MAX_BODY + 4096 }).map((n) => "[".padEnd(n, "x")) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      structuredMessage.map((m) => {
        const f = jsonV1.encode(m);
        return f.opcode === "text" ? f.data : "";
      }),
    ),
  },
);

const contentType = fc.constantFrom(
  "application/x-ndjson",
  "application/x-ndjson; charset=utf-8",
  "APPLICATION/X-NDJSON",
  "text/plain",
  "application/json",
  "",
  undefined,
  "application/x-ndjson;;;",
  "multipart/form-data; boundary=x",
);
const placement = fc.constantFrom<TokenPlacement | "tampered" | "garbage">("query", "header", "both", "query", "header", "none", "tampered", "garbage");

function isNdjson(type: string | undefined): boolean {
  return type !== undefined && type.split(";")[0]!.trim().toLowerCase() === "application/x-ndjson";
}

/** The POST answer the parser must give when it is determined by the input alone, else undefined. */
function expectedStatus(b: string, type: string | undefined, tokenOk: boolean): number | undefined {
  if (!tokenOk) return 410;
  if (Buffer.byteLength(b) > MAX_BODY) return 413;
  if (!isNdjson(type)) return undefined; // one text frame: 200, or 410 if the session just closed
  const lines = b.split(/\r?\n/).filter((l) => l !== "");
  if (lines.length > MAX_LINES) return 400;
  if (lines.some((l) => !l.startsWith("[") && !BASE64.test(l))) return 400;
  return undefined;
}

test("longpoll POST parser: every body, content type and token placement gets its JSON status; the session serves a heartbeat or is gone", async (t) => {
  t.timeout(150_000);
  const target = await underAttack(t);
  const base = target.server.url;
  await fuzzAgainst(t, target, fc.tuple(fc.constantFrom("2.0.0", "1.0.0"), body, contentType, placement), RUNS, async ([vsn, b, type, where], ref) => {
    const opened = await longPollOpen(base, `vsn=${vsn}`);
    if (opened.status !== 410 || opened.token === undefined) throw new Error(`open answered ${JSON.stringify(opened)}`);
    const token = opened.token;
    const sent = where === "tampered" ? `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}` : where === "garbage" ? "not.a.token" : token;
    const tokenOk = where !== "tampered" && where !== "garbage" && where !== "none";
    const answer = await longPollPost(base, sent, where === "tampered" || where === "garbage" ? "query" : where, b, type);
    const expected = expectedStatus(b, type, tokenOk);
    if (answer.status === undefined || ![200, 400, 410, 413].includes(answer.status))
      throw new Error(`POST answered HTTP ${answer.httpStatus} without a known JSON status: ${JSON.stringify(answer)}`);
    if (expected !== undefined && answer.status !== expected) throw new Error(`POST answered ${answer.status} (${answer.code}), expected ${expected}`);
    if (answer.status === 400 && answer.code === undefined) throw new Error("a 400 without a code");
    // Liveness: a heartbeat on the same session is answered, or the session is gone.
    const hb =
      vsn === "2.0.0"
        ? { body: v2Text(heartbeat(ref)), type: "application/x-ndjson" }
        : { body: (jsonV1.encode(heartbeat(ref)) as { data: string }).data, type: "application/json" };
    const posted = await longPollPost(base, token, "header", hb.body, hb.type);
    if (posted.status !== 200 && posted.status !== 410) throw new Error(`heartbeat POST answered ${JSON.stringify(posted)}`);
    const after = await longPollUntil(base, token, (m) => m.includes(`"${ref}"`) && m.includes("phx_reply"));
    return `POST ${answer.status}${answer.code === undefined ? "" : ` ${answer.code}`}, then ${after}`;
  });
});
