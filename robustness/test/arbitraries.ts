// fast-check arbitraries for hostile input, shared by the fuzz files.
import fc from "fast-check";
import type { Message } from "@fawkes/core";

/** Topics that reach every branch of the fixture's router (and some that reach none). */
export const topic = fc.oneof(
  fc.constantFrom("phoenix", "room:fuzz", "room:bystander", "private:1", "crash_join:1", "phx:lp:node", "", "room:", "room:*"),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 300 }),
);

/** Events the fixture's room channel knows, the core's control events, and noise. */
export const event = fc.oneof(
  fc.constantFrom(
    "phx_join",
    "phx_leave",
    "heartbeat",
    "echo",
    "broadcast",
    "broadcast_from",
    "push",
    "error_reply",
    "crash",
    "stop",
    "slow",
    "shout",
    "phx_reply",
    "phx_close",
    "phx_error",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 300 }),
);

/** A JSON value nested `depth` levels deep, as text (too deep for a naive recursive walk). */
export const deepJsonText = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom("[", '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`);

/** Payloads: JSON values, big strings, and (for `slow`) small delays only, so runs stay bounded. */
export const payload: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.record({ ms: fc.integer({ min: -5, max: 200 }) }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 70_000 }).map((s) => ({ body: s })) },
  { weight: 1, arbitrary: fc.constant({ reject: true }) },
);

const ref = fc.oneof(fc.constant(null), fc.string({ maxLength: 12 }), fc.integer().map(String));

/** A message with the right shape and any content: it must get a reply, an error reply, or nothing, never a crash. */
export const structuredMessage: fc.Arbitrary<Message> = fc.record({ joinRef: ref, ref, topic, event, payload });

/** Any JSON value, as a wrong-shaped message (`{}`, `[1,2]`, `[null,null,3,4,5]` ...). */
export const wrongShapeJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 0, maxLength: 7 }),
  fc.dictionary(fc.constantFrom("topic", "event", "payload", "ref", "join_ref", "x"), fc.jsonValue({ maxDepth: 2 })),
);

/** Text that looks like JSON, broken at a random place. */
export const brokenJsonText = fc
  .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.string({ maxLength: 4 }))
  .map(([json, cut, junk]) => json.slice(0, cut % (json.length + 1)) + junk);

/** Protobuf-shaped bytes: valid tags with random field numbers, wire types and contents (mostly wrong for the Envelope). */
export const protobufFields = fc
  .array(
    fc.tuple(
      fc.integer({ min: 1, max: 20 }),
      fc.constantFrom(0, 1, 2, 5, 3, 4, 6, 7),
      fc.uint8Array({ maxLength: 40 }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    ),
    { maxLength: 8 },
  )
  .map((fields) => {
    const out: number[] = [];
    for (const [field, wire, bytes, n] of fields) {
      varint(out, BigInt((field << 3) | wire));
      if (wire === 0) varint(out, n);
      else if (wire === 1) out.push(...bytes.slice(0, 8), ...new Array(Math.max(0, 8 - bytes.length)).fill(0));
      else if (wire === 5) out.push(...bytes.slice(0, 4), ...new Array(Math.max(0, 4 - bytes.length)).fill(0));
      else if (wire === 2) {
        varint(out, BigInt(bytes.length));
        out.push(...bytes);
      }
    }
    return new Uint8Array(out);
  });

function varint(out: number[], n: bigint): void {
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
}

/** Query keys that reach for a prototype, or whose brackets are empty, nested, indexed or unbalanced. */
export const hostileKeyNames: readonly string[] = [
  "__proto__",
  "constructor",
  "a[__proto__]",
  "__proto__[polluted]",
  "a[constructor][prototype]",
  "a[]",
  "a[][]",
  "a[0]",
  "a[b][c]",
  "a[",
  "a]",
  "[a]",
  "a[b]c",
  "a[b]]",
];

/** A key `a[..][..]` of up to 30 brackets holding short strings, empty strings or `__proto__`. */
export const bracketChainKey = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), fc.constant(""), fc.constant("__proto__")), { maxLength: 30 })
  .map((parts) => `a${parts.map((p) => `[${p}]`).join("")}`);

/** One Rails-style query key: plain, nested, list, index, unicode, prototype-reaching, unbalanced, or thousands deep. */
export const railsKey = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
  fc.constantFrom(...hostileKeyNames, "vsn[]", "user_id[x]"),
  bracketChainKey,
  fc.integer({ min: 50, max: 2500 }).map((n) => `deep${"[x]".repeat(n)}`),
  fc.integer({ min: 1000, max: 6000 }).map((n) => "k".repeat(n)),
);

/** A query string of hostile Rails-style pairs (brackets left raw, everything else percent-encoded). */
export const railsQuery = fc
  .tuple(
    fc.array(fc.tuple(railsKey, fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: "binary", maxLength: 20 }))), { maxLength: 10 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant([] as [string, string][]) }, { weight: 1, arbitrary: fc.constant([["reject", "1"]] as [string, string][]) }),
  )
  .map(([pairs, reject]) =>
    [...pairs, ...reject].map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, "[").replace(/%5D/g, "]")}=${encodeURIComponent(v)}`).join("&"),
  );

/** True when the query (as the server parses it) asks the fixture to refuse the connection. */
export function asksRefusal(query: string): boolean {
  return new URLSearchParams(query).getAll("reject").at(-1) === "1";
}
