// Connect params (Rails-style query strings: nested, huge, unicode, prototype-reaching
// keys) on every transport's handshake, and the auth-token subprotocol header
// (`base64url.bearer.phx.<token>` in both base64 alphabets, and garbage), against a
// live server child with a bystander. Every handshake gets an answer, and the right one.
import test from "ava";
import fc from "fast-check";
import { fuzzRuns, httpRequest, rawUpgrade, wsProbe } from "@fawkes/robustness";
import { asksRefusal, railsQuery } from "./arbitraries.js";
import { assertSurvived, describeFailure, underAttack, type Target } from "./under-attack.js";

const RUNS = fuzzRuns(200);

/** Node's HTTP parser answers 431 for request heads over 16 KiB: a clean refusal, before Fawkes. */
const HEAD_LIMIT = 16 * 1024;

async function fuzz<T>(
  t: Parameters<typeof assertSurvived>[0],
  target: Target,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<string>,
): Promise<void> {
  const outcomes = new Map<string, number>();
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        const key = await check(value);
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (target.server.exit !== undefined) throw new Error("the server exited");
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  } catch (error) {
    t.fail(describeFailure(target.server, error));
  }
  t.log([...outcomes].map(([k, v]) => `${k}: ${v}`).join(", "));
  await assertSurvived(t, target);
}

test("websocket connect params: 101, or 403 when the fixture is asked to refuse, or 431 for an oversize head; never a hang", async (t) => {
  t.timeout(120_000);
  const target = await underAttack(t);
  await fuzz(t, target, railsQuery, async (query) => {
    const url = `${target.server.url}/socket/websocket?${query}${query === "" ? "" : "&"}vsn=2.0.0`;
    const answer = await rawUpgrade(url, {});
    const expected = url.length > HEAD_LIMIT - 500 && answer.status === 431 ? 431 : asksRefusal(query) ? 403 : 101;
    if (answer.status !== expected) throw new Error(`answered ${answer.status}, expected ${expected} for ${url.slice(0, 300)}`);
    return String(answer.status);
  });
});

/** The token's bytes as the official client sends them (unpadded), in either alphabet. */
const offeredToken = fc
  .record({
    token: fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ minLength: 500, maxLength: 3000 })),
    alphabet: fc.constantFrom("base64", "base64url"),
    padded: fc.boolean(),
  })
  .map(({ token, alphabet, padded }) => {
    let b64 = Buffer.from(token, "utf8").toString(alphabet as BufferEncoding);
    if (alphabet === "base64" && !padded) b64 = b64.replace(/=+$/, "");
    if (alphabet === "base64url" && padded) b64 += "=".repeat((4 - (b64.length % 4)) % 4);
    return `base64url.bearer.phx.${b64}`;
  });

/** A header value Node lets a client send: tab, printable ASCII and Latin-1. */
const headerGarbage = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)).map((c) => String.fromCharCode(c)),
  maxLength: 200,
});

const subprotocolHeader = fc.oneof(
  offeredToken.map((entry) => ({ value: `phoenix, ${entry}`, wellFormed: true })),
  fc.tuple(offeredToken, offeredToken).map(([a, b]) => ({ value: `phoenix, ${a}, ${b}`, wellFormed: false })), // two tokens
  fc.tuple(headerGarbage, fc.boolean()).map(([g, prefixed]) => ({ value: `phoenix, ${prefixed ? "base64url.bearer.phx." : ""}${g}`, wellFormed: undefined })),
  headerGarbage.map((g) => ({ value: g, wellFormed: undefined })),
  fc
    .constantFrom(
      "",
      ",",
      "phoenix,,",
      "phoenix, phoenix",
      "base64url.bearer.phx.",
      "base64url.bearer.phx.=",
      "base64url.bearer.phx.a",
      "phoenix, base64url.bearer.phx.!!!!",
    )
    .map((value) => ({ value, wellFormed: undefined })),
);

test("websocket auth-token subprotocol: a well-formed offer is accepted with `phoenix`, anything else gets 101 or 400; never a hang", async (t) => {
  t.timeout(120_000);
  const target = await underAttack(t);
  await fuzz(t, target, subprotocolHeader, async ({ value, wellFormed }) => {
    const answer = await rawUpgrade(`${target.server.url}/socket/websocket?vsn=2.0.0`, { "sec-websocket-protocol": value });
    if (wellFormed === true && (answer.status !== 101 || answer.protocol !== "phoenix"))
      throw new Error(`a well-formed offer got ${answer.status} ${answer.protocol} for ${value.slice(0, 300)}`);
    if (wellFormed === false && answer.status !== 400) throw new Error(`a malformed offer got ${answer.status} for ${value.slice(0, 300)}`);
    if (answer.status !== 101 && answer.status !== 400) throw new Error(`answered ${answer.status} for ${JSON.stringify(value.slice(0, 300))}`);
    return `${answer.status}${answer.protocol === undefined ? "" : ` ${answer.protocol}`}`;
  });
});

test("longpoll and sockjs connect params: a session (LongPoll 410 + token, SockJS open ack) or a refusal (403 / 4403); never a hang", async (t) => {
  t.timeout(120_000);
  const target = await underAttack(t);
  await fuzz(t, target, fc.tuple(railsQuery, fc.constantFrom("longpoll", "sockjs")), async ([query, transport]) => {
    const q = `${query}${query === "" ? "" : "&"}vsn=2.0.0`;
    if (transport === "longpoll") {
      const url = `${target.server.url}/socket/longpoll?${q}`;
      const reply = await httpRequest(url);
      if (url.length > HEAD_LIMIT - 500 && reply.status === 431) return "longpoll http 431";
      const status = reply.status === 200 ? (JSON.parse(reply.text) as { status: number }).status : undefined;
      const expected = asksRefusal(query) ? 403 : 410;
      if (status !== expected)
        throw new Error(`longpoll open answered HTTP ${reply.status} ${reply.text.slice(0, 200)}, expected status ${expected} for ${url.slice(0, 300)}`);
      return `longpoll ${status}`;
    }
    const url = `ws://127.0.0.1:${target.server.port}/socket/sockjs/websocket?${q}`;
    const outcome = await wsProbe(url, { messages: [], isAlive: (data) => data.toString("utf8") === "fawkes:open" });
    if (outcome.kind === "refused" && outcome.status === 431 && url.length > HEAD_LIMIT - 500) return "sockjs http 431";
    const ok = asksRefusal(query) ? outcome.kind === "closed" && outcome.code === 4403 : outcome.kind === "alive";
    if (!ok) throw new Error(`sockjs open got ${JSON.stringify(outcome)} for ${url.slice(0, 300)}`);
    return outcome.kind === "closed" ? `sockjs closed ${outcome.code}` : "sockjs open";
  });
});
