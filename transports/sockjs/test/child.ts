import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SockJSOptions } from "@fawkes/sockjs";

/** A `child-server.js` process. */
export interface ChildServer {
  readonly port: number;
  readonly base: string;
  /** Resolves when the process exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote to stderr so far (its log lines). */
  stderr(): string;
  /** True while the process runs. */
  alive(): boolean;
  /** Sends `signal` to the process. */
  signal(signal: NodeJS.Signals): void;
  /** POST a control route of the fixture (`/fixture/broadcast`, `/fixture/disconnect`). */
  control(route: "broadcast" | "disconnect", body: unknown): Promise<number>;
}

const SCRIPT = fileURLToPath(new URL("./child-server.js", import.meta.url));

/** Starts the child server with `options`; `t.teardown` (a test's, or a hook's registrar) kills it. */
export async function startChild(t: { teardown(fn: () => void): void }, options: SockJSOptions = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let running = true;
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running = false;
      resolve(code);
    }),
  );
  t.teardown(() => {
    if (running) child.kill("SIGKILL");
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m !== null) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`child server exited (${code}) before listening: ${stderr}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    base,
    exited,
    stderr: () => stderr,
    alive: () => running,
    signal: (signal) => {
      child.kill(signal);
    },
    async control(route, body) {
      const res = await fetch(`${base}/fixture/${route}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      await res.arrayBuffer();
      return res.status;
    },
  };
}
