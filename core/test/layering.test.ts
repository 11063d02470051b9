// The core's imports run one way, type imports included: no cycle, no other
// package, and every import goes to its own folder or to a lower layer.
import test from "ava";
import { join } from "node:path";
import { findCycles, importGraph, importsOf, packageDir, type GraphNode } from "./import-graph.js";

const SRC = join(packageDir(import.meta.url), "src");

/**
 * The layers of `core/src`, bottom first (see the core README). A file may
 * import files of its own folder and of lower layers only.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts", "results.ts", "http/"],
  ["contracts/"],
  ["transport-kit/", "limits/", "pubsub/"],
  ["state/"],
  ["channel/"],
  ["connection/"],
  ["socket/"],
  ["endpoint.ts"],
  ["index.ts"],
];

function unitOf(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? file : file.slice(0, slash + 1);
}

function layerOf(file: string): number {
  const unit = unitOf(file);
  const layer = LAYERS.findIndex((units) => units.includes(unit));
  if (layer === -1) throw new Error(`${file} is in no layer: add ${unit} to LAYERS`);
  return layer;
}

/** Every import that goes up a layer or sideways into another folder of the same layer. */
function againstTheFlow(graph: ReadonlyMap<string, GraphNode>): string[] {
  const wrong: string[] = [];
  for (const [file, node] of graph) {
    for (const target of node.local) {
      if (unitOf(target) === unitOf(file) && file.includes("/")) continue;
      if (layerOf(target) >= layerOf(file)) wrong.push(`${file} -> ${target}`);
    }
  }
  return wrong;
}

const edgesOf = (graph: ReadonlyMap<string, GraphNode>) => new Map([...graph].map(([file, node]) => [file, node.local]));

test("core/src has no import cycle, type imports included", (t) => {
  const graph = importGraph(SRC);
  t.true(graph.size > 20, `read ${graph.size} files under ${SRC}`);
  t.true(graph.get("endpoint.ts")!.local.length > 5, "the endpoint's imports were read");
  const cycles = findCycles(edgesOf(graph));
  t.deepEqual(
    cycles.map((c) => c.join(" -> ")),
    [],
    "import cycles",
  );
});

test("core/src imports no other package: relative paths and node: built-ins only", (t) => {
  const outside: string[] = [];
  for (const [file, node] of importGraph(SRC)) {
    for (const spec of node.external) if (!spec.startsWith("node:")) outside.push(`${file} imports ${spec}`);
  }
  t.deepEqual(outside, []);
});

test("every relative import resolves to a file of core/src", (t) => {
  const graph = importGraph(SRC);
  const missing = [...graph].flatMap(([file, node]) => node.local.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`));
  t.deepEqual(missing, []);
});

test("imports run down the layers: contracts and errors at the bottom, the endpoint at the top", (t) => {
  t.deepEqual(againstTheFlow(importGraph(SRC)), []);
});

test("the checks catch a cycle, a type-only cycle, an outside import and an import against the flow", (t) => {
  const graph = new Map<string, GraphNode>([
    ["endpoint.ts", { local: ["connection/connection.ts"], external: [] }],
    ["connection/connection.ts", { local: ["channel/channel-server.ts"], external: ["@fawkes/json"] }],
    ["channel/channel-server.ts", { local: ["state/socket-state.ts"], external: ["node:events"] }],
    // The seam this layering removed: the socket state reaching up to the endpoint.
    ["state/socket-state.ts", { local: ["endpoint.ts"], external: [] }],
    ["pubsub/pubsub.ts", { local: ["pubsub/topic-subscribers.ts"], external: [] }],
    ["pubsub/topic-subscribers.ts", { local: ["pubsub/pubsub.ts"], external: [] }],
  ]);
  const cycles = findCycles(edgesOf(graph));
  t.deepEqual(cycles, [
    ["channel/channel-server.ts", "state/socket-state.ts", "endpoint.ts", "connection/connection.ts", "channel/channel-server.ts"],
    ["pubsub/pubsub.ts", "pubsub/topic-subscribers.ts", "pubsub/pubsub.ts"],
  ]);
  t.deepEqual(againstTheFlow(graph), ["state/socket-state.ts -> endpoint.ts"]);
  t.deepEqual(findCycles(new Map([["a.ts", ["a.ts"]]])), [["a.ts", "a.ts"]], "a file importing itself");
  t.deepEqual(
    findCycles(
      new Map([
        ["a.ts", ["b.ts"]],
        ["b.ts", []],
      ]),
    ),
    [],
  );
  // A type-only import counts as much as a value import.
  const typeOnly = `import type { Socket } from "./socket.js";\nexport type { Endpoint } from "./endpoint.js";\nlet x: import("./channel.js").Channel;`;
  t.deepEqual(importsOf(typeOnly), ["./socket.js", "./endpoint.js", "./channel.js"]);
});

test("the import reader sees every import form and nothing in comments or strings", (t) => {
  const source = [
    "/**",
    " * ```ts",
    ' * import { Endpoint } from "@fawkes/core";',
    " * ```",
    " */",
    'import test from "ava";',
    'import { a, type B } from "./a.js";',
    'import * as ns from "./ns.js";',
    'import "./side-effect.js";',
    "export {",
    "  ok, error,",
    "  type OkResult,",
    '} from "./results.js";',
    'export * from "./all.js";',
    'export type { T } from "./types.js";',
    '// import { gone } from "./commented.js";',
    'const url = "redis://host/x"; const re = /["\']/g; const s = \'import { x } from "./in-string.js"\';',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test holds a template literal
    'const tpl = `a ${url} import { y } from "./in-template.js"`;',
    'export const later = () => import("./lazy.js");',
  ].join("\n");
  t.deepEqual(importsOf(source), ["ava", "./a.js", "./ns.js", "./side-effect.js", "./results.js", "./all.js", "./types.js", "./lazy.js"]);
});
