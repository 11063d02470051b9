import { fork, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the measured server reports on an IPC `{type: "memory"}` request (after a full GC). */
export interface MemoryReport {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
}

/** A fixture server running as a child process, so a crash is observable as an exit. */
export interface FixtureProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Exit code or signal once the child exited; undefined while it runs. */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Everything the child wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Open file descriptors of the child (from /proc/<pid>/fd). */
  fdCount(): number;
  /** Heap figures after a full GC; only for the measured server (`measured: true`). */
  memory(): Promise<MemoryReport>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the child exited. */
  stop(): Promise<void>;
}

/** Options of {@link startFixtureProcess}. */
export interface FixtureProcessOptions {
  /**
   * True: run this package's `measured-fixture-server` (memory over IPC, short
   * LongPoll window). False (default): the conformance package's own
   * `fixture-server` binary, exactly as shipped, or the script named by the
   * environment variable `FAWKES_FUZZ_SERVER` (any program that takes `--port 0`
   * and prints `listening <port>`, e.g. another checkout's fixture server).
   */
  readonly measured?: boolean;
  /** Milliseconds to wait for `listening <port>`. Default 15000. */
  readonly startTimeoutMs?: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function conformanceBin(): string {
  const require = createRequire(import.meta.url);
  // The package's main entry is dist/index.js; the binary sits in dist/bin.
  return join(dirname(require.resolve("@fawkes/conformance")), "bin", "fixture-server.js");
}

/** Starts a fixture server child on a free loopback port and resolves once it listens. */
export function startFixtureProcess(options: FixtureProcessOptions = {}): Promise<FixtureProcess> {
  const override = process.env.FAWKES_FUZZ_SERVER;
  const script =
    options.measured === true ? join(here, "bin", "measured-fixture-server.js") : override !== undefined && override !== "" ? override : conformanceBin();
  const child = fork(script, ["--port", "0"], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    execArgv: options.measured === true ? ["--expose-gc"] : [],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  let exit: FixtureProcess["exit"];
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  return new Promise<FixtureProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`fixture server did not start: ${stderr}`));
    }, options.startTimeoutMs ?? 15_000);
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners("data").resume();
      const port = Number(m[1]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        get exit() {
          return exit;
        },
        stderr: () => stderr,
        fdCount: () => readdirSync(`/proc/${child.pid}/fd`).length,
        memory: () => askMemory(child),
        async stop() {
          if (exit !== undefined) return;
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture server exited (${code}) before listening: ${stderr}`));
    });
  });
}

function askMemory(child: ChildProcess): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error("no memory report within 10 s"));
    }, 10_000);
    const onMessage = (message: unknown): void => {
      const m = message as { type?: string; memory?: MemoryReport };
      if (m.type !== "memory" || m.memory === undefined) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(m.memory);
    };
    child.on("message", onMessage);
    child.send({ type: "memory" });
  });
}
