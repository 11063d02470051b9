import test from "ava";
import { readFileSync } from "node:fs";
import type { SocketConnectOption } from "phoenix";
import * as client from "@fawkes/protobuf/client";

/** Every module the client entry loads from this package, by following relative imports. */
function clientModules(): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (url: URL): void => {
    if (seen.has(url.href)) return;
    const source = readFileSync(url, "utf8");
    seen.set(url.href, source);
    for (const match of source.matchAll(/from\s+"(\.[^"]+)"/g)) visit(new URL(match[1]!, url));
  };
  visit(new URL("../dist/client.js", import.meta.url));
  return seen;
}

test("the client entry uses no Node-only API (no Buffer, process, node: imports)", (t) => {
  const modules = clientModules();
  t.true(modules.size > 1);
  for (const [url, source] of modules) {
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ""); // comments may mention them
    t.false(/\bBuffer\b|\bprocess\.|from\s+"node:|require\(/.test(code), url);
    for (const match of code.matchAll(/from\s+"([^".][^"]*)"/g)) t.true(ALLOWED.includes(match[1]!), `${url} imports ${match[1]}`);
  }
});

const ALLOWED = ["protobufjs/minimal.js"];

test("the client codec type-checks as phoenix Socket options", (t) => {
  const options: Partial<SocketConnectOption> = { ...client.protobufCodec() };
  t.is(options.vsn, client.PROTOBUF_VSN);
});
