// Every public package installs alone from its `npm pack` tarball, outside the workspace,
// as a new user would get it: each one in its own empty folder with only the dependencies it
// declares (its @fawkes/* siblings come from their tarballs, everything else from the npm
// registry), then Node imports every entry point and `tsc` type-checks a small consumer with
// `skipLibCheck: false`. A last case runs core + json + websocket against the official client.
import test from "ava";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules", ".bin", "tsc");
const npmFlags = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

/** A workspace package as its package.json declares it. */
interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, string | { types?: string; default?: string }>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** A small piece of consumer code per package, type-checked against the installed declarations. */
const usage: Record<string, string> = {
  "@fawkes/core": `import { Endpoint, defineSocket, ok, type Transport } from "@fawkes/core";
export const endpoint: Endpoint = new Endpoint();
export const userSocket = defineSocket({ serializers: [], connect: () => true }).channel("room:*", { join: (topic: string) => ok({ topic }) });
export type AnyTransport = Transport;`,
  "@fawkes/json": `import type { Serializer } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
export const serializers: Serializer[] = [jsonV2, jsonV1];`,
  "@fawkes/msgpack": `import type { Serializer } from "@fawkes/core";
import { msgpackV2 } from "@fawkes/msgpack";
export const serializer: Serializer = msgpackV2;`,
  "@fawkes/protobuf": `import type { Serializer } from "@fawkes/core";
import { protobufV2 } from "@fawkes/protobuf";
export const serializer: Serializer = protobufV2;`,
  "@fawkes/websocket": `import type { Transport } from "@fawkes/core";
import { websocket } from "@fawkes/websocket";
export const transport: Transport = websocket({});`,
  "@fawkes/longpoll": `import type { Transport } from "@fawkes/core";
import { longpoll } from "@fawkes/longpoll";
export const transport: Transport = longpoll({});`,
  "@fawkes/sockjs": `import type { Transport } from "@fawkes/core";
import { sockjs } from "@fawkes/sockjs";
export const transport: Transport = sockjs({});`,
  "@fawkes/redis": `import type { PubSubAdapter } from "@fawkes/core";
import { redisPubSub } from "@fawkes/redis";
export const make = (): PubSubAdapter => redisPubSub({});`,
  "@fawkes/conformance": `import { serializerSuite } from "@fawkes/conformance/serializer";
import { transportSuite } from "@fawkes/conformance/transport";
export const suites: Array<(test: never, options: never) => void> = [serializerSuite, transportSuite];`,
};

/**
 * The consumer's compiler options: a Node server (ES2022 and @types/node, no DOM) for
 * the server entries; a browser (DOM, no @types/node) for the `client` entries.
 */
function consumerTsconfig(file: string, env: "node" | "browser") {
  return {
    compilerOptions: {
      target: "ES2022",
      lib: env === "node" ? ["ES2022"] : ["ES2022", "DOM"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: env === "node" ? ["node"] : [],
    },
    files: [file],
  };
}

/** A browser-side entry point: `./client` (the codecs and adapters for the official client). */
const isClientEntry = (key: string) => /(^|\/)client$/.test(key);

/** `tsc -p <project>`: its diagnostics, or "" when it type-checks. */
async function typeCheck(app: string, project: string): Promise<string> {
  return run(tsc, ["-p", join(app, project)], { cwd: app, timeout: 120_000 }).then(
    () => "",
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ""}${err.stderr ?? ""}` || "tsc failed",
  );
}

async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Manifest;
}

/** The public (non-private) workspace packages, with their folders. */
async function publicPackages(): Promise<Array<{ dir: string; manifest: Manifest }>> {
  const { workspaces } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { workspaces: string[] };
  const all = await Promise.all(workspaces.map(async (w) => ({ dir: join(root, w), manifest: await readManifest(join(root, w)) })));
  return all.filter((p) => p.manifest.private !== true);
}

/** Entry points that Node can import: the export keys whose target is JavaScript. */
function jsEntries(manifest: Manifest): string[] {
  return Object.entries(manifest.exports ?? { ".": "./index.js" })
    .filter(([, target]) => (typeof target === "string" ? target.endsWith(".js") : target.default?.endsWith(".js") === true))
    .map(([key]) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

/** `^x.y.z` as npm reads it: same major (same minor too below 1.0), not older. */
function caretAccepts(range: string, version: string): boolean {
  const want = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const have = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (want === null || have === null) return false;
  const [w, h] = [want.slice(1).map(Number), have.slice(1).map(Number)] as [number[], number[]];
  if (h[0] !== w[0] || (w[0] === 0 && h[1] !== w[1])) return false;
  return h[1]! > w[1]! || (h[1] === w[1] && h[2]! >= w[2]!);
}

/** Is the npm registry reachable? Only asked off CI, where an offline machine may skip. */
async function registryReachable(): Promise<boolean> {
  try {
    await run("npm", ["ping", "--loglevel=error"], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const inCI = process.env.CI === "true" || process.env.CI === "1";
const online = inCI || (await registryReachable());
// Off CI without a registry the installs cannot run: that, and only that, skips these cases.
const packedTest = online ? test : test.skip;
if (!online) console.log("packed.test: npm registry unreachable and CI is not set; the tarball install cases are skipped");

/** Packs every public package once, into one temporary folder outside the workspace. */
const packed = (async () => {
  const dir = await mkdtemp(join(tmpdir(), "fawkes-packed-"));
  const packages = await publicPackages();
  const { stdout } = await run("npm", ["pack", "--json", "--loglevel=error", "--pack-destination", dir, ...packages.flatMap((p) => ["-w", p.manifest.name])], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(stdout) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
  const tarballs = new Map(report.map((r) => [r.name, join(dir, r.filename)]));
  return { dir, packages, report, tarballs };
})();

// Cases that await it see a failure; this only keeps it from counting as unhandled meanwhile.
packed.catch(() => undefined);

test.after.always(async () => {
  const { dir } = await packed.catch(() => ({ dir: undefined }));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

// At most this many installs at once: the machine has two cores shared with other test files.
const MAX_INSTALLS = 2;
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running < MAX_INSTALLS) running += 1;
  else await new Promise<void>((go) => waiting.push(go)); // a finishing install hands over its slot
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else running -= 1;
  }
}

/**
 * Installs `names` (tarballs) into a new empty folder. Every @fawkes/* package anywhere in
 * the tree is pinned to its tarball by `overrides`, so a sibling is installed only where a
 * package declares it; `extra` are registry packages the consumer itself adds.
 */
async function installAlone(label: string, names: string[], extra: Record<string, string>): Promise<string> {
  const { dir, tarballs } = await packed;
  const app = join(dir, `app-${label}`);
  await mkdir(app);
  const file = (name: string) => `file:${tarballs.get(name)}`;
  await writeFile(
    join(app, "package.json"),
    JSON.stringify({
      name: `consumer-${label}`,
      private: true,
      type: "module",
      dependencies: Object.fromEntries(names.map((n) => [n, file(n)])),
      devDependencies: extra,
      overrides: Object.fromEntries([...tarballs.keys()].map((n) => [n, file(n)])),
    }),
  );
  await limited(() => run("npm", ["install", ...npmFlags], { cwd: app, timeout: 180_000 }));
  return app;
}

/** The export names of an entry point, as Node loads it from `cwd`. */
async function exportNames(cwd: string, specifier: string): Promise<string[]> {
  const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd, timeout: 30_000 });
  return JSON.parse(stdout.trim()) as string[];
}

/** Every file under `dir`, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

test("every public package has a 0.x version and declares its siblings as ranges the sibling's version satisfies", async (t) => {
  const packages = await publicPackages();
  t.true(packages.length >= 9, `public packages: ${packages.map((p) => p.manifest.name).join(", ")}`);
  const versions = new Map(packages.map((p) => [p.manifest.name, p.manifest.version]));
  for (const { manifest } of packages) {
    t.regex(manifest.version, /^0\.\d+\.\d+$/, manifest.name);
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!dep.startsWith("@fawkes/")) continue;
      const version = versions.get(dep);
      t.not(version, undefined, `${manifest.name} depends on ${dep}, which is not a public package`);
      t.true(caretAccepts(range, version ?? ""), `${manifest.name}: ${dep}@${range} must accept ${dep}@${version}`);
    }
  }
});

test("every public package has a consumer snippet here, so none escapes the install cases", async (t) => {
  const names = (await publicPackages()).map((p) => p.manifest.name).sort();
  t.deepEqual(names, Object.keys(usage).sort());
});

test("the workspace links every @fawkes package instead of fetching it", async (t) => {
  const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { link?: boolean; resolved?: string }>;
  };
  const fawkes = Object.entries(lock.packages).filter(([path]) => /(^|\/)node_modules\/@fawkes\//.test(path));
  t.true(fawkes.length > 0);
  for (const [path, entry] of fawkes) t.true(entry.link === true, `${path} must be a workspace link`);
});

packedTest("the tarballs hold dist, the src the source maps point at, a LICENSE, and no build info or tests", async (t) => {
  const { report, packages } = await packed;
  const license = await readFile(join(root, "LICENSE"), "utf8");
  for (const { dir, manifest } of packages) t.is(await readFile(join(dir, "LICENSE"), "utf8"), license, `${manifest.name}/LICENSE is the root LICENSE`);
  for (const { name, files } of report) {
    const paths = new Set(files.map((f) => f.path));
    t.true(paths.has("package.json") && paths.has("README.md") && paths.has("LICENSE"), `${name} ships package.json, README.md and LICENSE`);
    t.false(
      [...paths].some((p) => p.endsWith(".tsbuildinfo") || p.startsWith("dist-test/")),
      `${name} ships build info or tests`,
    );
    t.true(
      [...paths].some((p) => p.startsWith("src/") && p.endsWith(".ts")),
      `${name} ships src/`,
    );
  }
});

/** One install per package, shared by its Node and browser cases. */
const installs = new Map<string, Promise<string>>();
function installed(name: string): Promise<string> {
  let app = installs.get(name);
  if (app === undefined) installs.set(name, (app = installAlone(name.replace("@fawkes/", ""), [name], { "@types/node": "^20.19.0" })));
  return app;
}

/** Typed entry points of `manifest`, as specifiers, split into server and `client` ones. */
function typedEntries(manifest: Manifest): { server: string[]; client: string[] } {
  const keys = Object.entries(manifest.exports ?? {})
    .filter(([, v]) => typeof v !== "string" && v.types !== undefined)
    .map(([key]) => key);
  const specifier = (key: string) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`);
  return { server: keys.filter((k) => !isClientEntry(k)).map(specifier), client: keys.filter(isClientEntry).map(specifier) };
}

/** A consumer module importing every one of `specifiers`. */
function importsOf(specifiers: string[]): string {
  const lines = specifiers.map((s, i) => `import * as entry${i} from "${s}";`);
  return [...lines, `export const entries = [${specifiers.map((_, i) => `entry${i}`).join(", ")}];`].join("\n");
}

for (const name of Object.keys(usage)) {
  packedTest(`${name} installs alone from its tarball, imports in Node and type-checks with skipLibCheck: false`, async (t) => {
    const { packages } = await packed;
    const own = packages.find((p) => p.manifest.name === name);
    if (own === undefined) return t.fail(`${name} is no longer a public workspace package`);
    const app = await installed(name);

    // Only what the package declares arrived: its @fawkes closure, and no @types package
    // but the consumer's own @types/node (no public type needs another, so none is forced).
    const fawkes = await readdir(join(app, "node_modules", "@fawkes"));
    const closure = new Set<string>();
    const visit = (n: string) => {
      if (closure.has(n)) return;
      closure.add(n);
      const m = packages.find((p) => p.manifest.name === n)?.manifest;
      for (const dep of Object.keys(m?.dependencies ?? {})) if (dep.startsWith("@fawkes/")) visit(dep);
    };
    visit(name);
    t.deepEqual(fawkes.map((d) => `@fawkes/${d}`).sort(), [...closure].sort());
    t.deepEqual(await readdir(join(app, "node_modules", "@types")), ["node"]);

    // Every source map and declaration map points at a file the tarball holds.
    const pkgDir = join(app, "node_modules", name);
    const maps = (await filesUnder(join(pkgDir, "dist"))).filter((f) => f.endsWith(".map"));
    t.true(maps.length > 0, `${name} has source maps`);
    for (const map of maps) {
      const { sources } = JSON.parse(await readFile(join(pkgDir, "dist", map), "utf8")) as { sources: string[] };
      for (const source of sources) {
        const target = resolve(dirname(join(pkgDir, "dist", map)), source);
        t.true(existsSync(target), `${name}: dist/${map} points at ${relative(pkgDir, target)}, which the tarball lacks`);
      }
    }

    // Node imports every JavaScript entry point, with the same exports as in the workspace.
    for (const specifier of jsEntries(own.manifest)) {
      t.deepEqual(await exportNames(app, specifier), await exportNames(root, specifier), specifier);
    }

    // A Node consumer (no DOM) of every server entry point, plus a line of real use.
    const { server } = typedEntries(own.manifest);
    await writeFile(join(app, "consumer.ts"), `${importsOf(server)}\n${usage[name]}\n`);
    await writeFile(join(app, "tsconfig.json"), JSON.stringify(consumerTsconfig("consumer.ts", "node")));
    t.is(await typeCheck(app, "tsconfig.json"), "", `tsc on a Node consumer of ${server.join(", ")}`);
  });
}

// The `client` entries are for browsers: a browser project (DOM, no @types/node) must
// type-check against them. They import core's contracts from the browser-safe
// `@fawkes/core/codec` only, never from core's main entry (server code: node:http, Buffer).
const withClient = ["@fawkes/msgpack", "@fawkes/protobuf", "@fawkes/sockjs"];

test("the packages with client entries are the ones the browser cases cover", async (t) => {
  const names = (await publicPackages()).filter((p) => typedEntries(p.manifest).client.length > 0).map((p) => p.manifest.name);
  t.deepEqual(names.sort(), [...withClient].sort());
});

for (const name of withClient) {
  packedTest(`${name}'s client entries type-check in a browser project (DOM, no @types/node, skipLibCheck: false)`, async (t) => {
    const own = (await packed).packages.find((p) => p.manifest.name === name);
    if (own === undefined) return t.fail(`${name} is no longer a public workspace package`);
    const app = await installed(name);
    const { client } = typedEntries(own.manifest);
    await writeFile(join(app, "browser.ts"), `${importsOf(client)}\n`);
    await writeFile(join(app, "tsconfig.browser.json"), JSON.stringify(consumerTsconfig("browser.ts", "browser")));
    t.is(await typeCheck(app, "tsconfig.browser.json"), "", `tsc on a browser consumer of ${client.join(", ")}`);
  });
}

const program = `
import { Endpoint, defineSocket, ok } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { Socket } from "phoenix";
import { WebSocket } from "ws";

const userSocket = defineSocket({
  serializers: [jsonV2, jsonV1],
  connect(params, socket) { socket.assign("name", params.name); return true; },
})
  .transport("websocket", websocket())
  .channel("room:*", { join: (topic) => ok({ topic }), handleIn: (event, payload, socket) => ok({ event, payload, name: socket.assigns.name }) });

const endpoint = new Endpoint().socket("/socket", userSocket);
const port = await endpoint.listen(0, "127.0.0.1");
const client = new Socket("ws://127.0.0.1:" + port + "/socket", { transport: WebSocket, params: { name: "packed" } });
client.connect();
const channel = client.channel("room:packed", {});
const timer = setTimeout(() => { console.log("TIMEOUT"); process.exit(2); }, 5000);
channel.join().receive("ok", (joined) => {
  channel.push("hello", { n: 1 }).receive("ok", (reply) => {
    console.log(JSON.stringify({ joined, reply }));
    clearTimeout(timer);
    client.disconnect();
    endpoint.close().then(() => process.exit(0));
  });
});
`;

packedTest("core + json + websocket installed from their tarballs serve the official client", async (t) => {
  // The tarballs bring their own dependencies (ws): only phoenix is added for the client side.
  const app = await installAlone("phoenix-client", ["@fawkes/core", "@fawkes/json", "@fawkes/websocket"], { phoenix: "^1.8.16" });
  await writeFile(join(app, "app.mjs"), program);
  const { stdout } = await run(process.execPath, ["app.mjs"], { cwd: app, timeout: 15_000 });
  t.deepEqual(JSON.parse(stdout.trim()), {
    joined: { topic: "room:packed" },
    reply: { event: "hello", payload: { n: 1 }, name: "packed" },
  });
});
