// The packages work when installed from their tarballs alone, outside the workspace:
// core + websocket + json, a small server, and the official phoenix client.
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

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

test("core + json + websocket installed from npm pack tarballs serve the official client", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "fawkes-packed-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await run("npm", ["pack", "--silent", "--pack-destination", dir, "-w", "@fawkes/core", "-w", "@fawkes/json", "-w", "@fawkes/websocket"], { cwd: root });
  const tarballs = (await readdir(dir)).filter((f) => f.endsWith(".tgz"));
  t.is(tarballs.length, 3);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "packed-app", private: true, type: "module" }));
  await writeFile(join(dir, "app.mjs"), program);
  // The tarballs must bring their own dependencies (ws): only phoenix is added for the client side.
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs.map((f) => `./${f}`), "phoenix@^1.8.16"], { cwd: dir, timeout: 120_000 });
  const { stdout } = await run(process.execPath, ["app.mjs"], { cwd: dir, timeout: 15_000 });
  t.deepEqual(JSON.parse(stdout.trim()), {
    joined: { topic: "room:packed" },
    reply: { event: "hello", payload: { n: 1 }, name: "packed" },
  });
});
