// The browser-facing client entries load no Node-only API: every module an entry
// reaches through relative imports is read from the built package and checked. This
// static check runs everywhere; browser-codecs.test.ts runs the same entries in a
// real browser where one is available.
import test from "ava";
import { readFileSync } from "node:fs";
import type { SocketConnectOption } from "phoenix";
import * as msgpackClient from "@fawkes/msgpack/client";
import * as protobufClient from "@fawkes/protobuf/client";

const entries = [
  { entry: "@fawkes/msgpack/client", allowed: ["@fawkes/core/codec", "@msgpack/msgpack"], codec: msgpackClient.msgpackCodec, vsn: msgpackClient.MSGPACK_VSN },
  {
    entry: "@fawkes/protobuf/client",
    allowed: ["@fawkes/core/codec", "protobufjs/minimal.js"],
    codec: protobufClient.protobufCodec(),
    vsn: protobufClient.PROTOBUF_VSN,
  },
] as const;

/**
 * Every module `entry` loads from its own package, by following relative imports, and
 * from the `@fawkes/*` entries it imports (core's browser-safe `@fawkes/core/codec`).
 */
function clientModules(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (url: URL): void => {
    if (seen.has(url.href)) return;
    const source = readFileSync(url, "utf8");
    seen.set(url.href, source);
    for (const match of source.matchAll(/from\s+"(\.[^"]+)"/g)) visit(new URL(match[1]!, url));
    for (const match of source.matchAll(/from\s+"(@fawkes\/[^"]+)"/g)) visit(new URL(import.meta.resolve(match[1]!)));
  };
  visit(new URL(import.meta.resolve(entry)));
  return seen;
}

for (const e of entries) {
  test(`${e.entry}: the client entry uses no Node-only API (no Buffer, process, node: imports)`, (t) => {
    const modules = clientModules(e.entry);
    t.true(modules.size > 1);
    for (const [url, source] of modules) {
      const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ""); // comments may mention them
      t.false(/\bBuffer\b|\bprocess\.|from\s+"node:|require\(/.test(code), url);
      for (const match of code.matchAll(/from\s+"([^".][^"]*)"/g)) t.true((e.allowed as readonly string[]).includes(match[1]!), `${url} imports ${match[1]}`);
    }
  });

  test(`${e.entry}: the client codec type-checks as phoenix Socket options`, (t) => {
    const options: Partial<SocketConnectOption> = { ...e.codec };
    t.is(options.vsn, e.vsn);
  });
}
