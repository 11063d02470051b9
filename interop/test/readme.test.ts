// The root README's "A server in 20 lines", run as written: the block is taken from
// README.md itself, type-checked with the repo's tsc (strict), compiled by esbuild and
// started in a child process (PORT set); the official phoenix client then joins, pushes
// new_msg and receives the broadcast, and an unknown event gets the snippet's error.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { phoenixSocket, receive, nextEvent, within } from "./phoenix-client.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The first ```ts block after `heading` in the root README. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const at = readme.indexOf(heading);
  if (at === -1) throw new Error(`README.md has no ${JSON.stringify(heading)}`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (match === null) throw new Error(`no ts block after ${heading}`);
  return match[1]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

test("README: 'A server in 20 lines' type-checks, runs as written and serves the official client", async (t) => {
  t.timeout(90_000);
  const code = readmeBlock("## A server in 20 lines");
  // Inside the workspace, so `@fawkes/*` resolve to the packages as built.
  const dir = mkdtempSync(join(ROOT, "interop", ".readme-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(join(dir, "server.ts"), code);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", noEmit: true, skipLibCheck: true, types: ["node"] },
      files: ["server.ts"],
    }),
  );
  const check = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
  t.is(check.status, 0, `tsc: ${check.stdout}${check.stderr}`);

  const js = await esbuild.transform(code, { loader: "ts", format: "esm", target: "es2022" });
  writeFileSync(join(dir, "server.mjs"), js.code);
  const port = await freePort();
  const child = spawn(process.execPath, [join(dir, "server.mjs")], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  t.teardown(() => {
    child.kill("SIGKILL");
  });

  // The snippet has no "ready" line: the client retries until the server listens.
  const socket = phoenixSocket(`http://127.0.0.1:${port}`, "2.0.0", { params: { user_id: "7" } });
  t.teardown(() => socket.disconnect());
  const opened = new Promise<void>((resolve) => socket.onOpen(() => resolve()));
  socket.connect();
  await within(opened, 20_000, "the README server to accept a connection").catch((cause: unknown) => {
    throw new Error(`${String(cause)}; server output: ${output}`);
  });

  const room = socket.channel("room:lobby", {});
  t.deepEqual(await receive(room.join()), { topic: "room:lobby" });
  const broadcast = nextEvent(room, "new_msg");
  t.deepEqual(await receive(room.push("new_msg", { body: "hello" })), {});
  t.deepEqual(await broadcast, { body: "hello" });
  t.deepEqual(await receive(room.push("other", {}), "error"), { reason: "unknown event" });
  t.is(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("running"), 100))]), "running", `the server exited: ${output}`);
});
