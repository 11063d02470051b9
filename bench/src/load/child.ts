import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";

let tasksetKnown: boolean | undefined;

/** True when `taskset` runs here and there are two cores to pin to. */
export function hasTaskset(): boolean {
  if (tasksetKnown === undefined) {
    const probe = spawnSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
    tasksetKnown = probe.status === 0 && availableParallelism() >= 2;
  }
  return tasksetKnown;
}

interface Envelope {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}
interface Ready {
  readonly type: "ready";
  readonly [key: string]: unknown;
}
interface Failed {
  readonly type: "failed";
  readonly error: string;
}

/** How long a child may take to report ready (a server node includes its Redis start, itself bounded at 5 s). */
const READY_TIMEOUT_MS = 30_000;

/**
 * A benchmark child process (server under test or load generator) spoken to over
 * IPC: every command gets exactly one answer, matched by id.
 */
export class BenchChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<number | null>;
  readonly ready: Promise<Ready>;
  /** Set when the child reported why it could not start (`announceFailure`). */
  private failure: string | undefined;

  private constructor(
    readonly process: ChildProcess,
    readonly label: string,
  ) {
    let onReady: (r: Ready) => void = () => {};
    this.ready = new Promise((resolve) => {
      onReady = resolve;
    });
    process.on("message", (m: Envelope | Ready | Failed) => {
      if ("type" in m && m.type === "ready") {
        onReady(m);
        return;
      }
      if ("type" in m && m.type === "failed") {
        this.failure = m.error;
        return;
      }
      const e = m as Envelope;
      const w = this.waiting.get(e.id);
      if (w === undefined) return;
      this.waiting.delete(e.id);
      if (e.ok) w.resolve(e.result);
      else w.reject(new Error(`${label}: ${e.error}`));
    });
    this.exited = new Promise((resolve) =>
      process.once("exit", (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`${label} exited (${code}) before answering`));
        this.waiting.clear();
        resolve(code);
      }),
    );
  }

  /**
   * Start `script` with `args` in a new Node process, pinned to `cpu` when taskset
   * exists and `cpu` is given (unpinned otherwise). Resolves once the child
   * reported `ready` (a server: with its port); rejects with the child's own
   * reason when it exits first, and kills it when it is not ready within 30 s.
   */
  static async start(options: {
    script: string;
    args: string[];
    label: string;
    cpu?: number | undefined;
    nodeFlags?: string[] | undefined;
  }): Promise<{ child: BenchChild; ready: Ready }> {
    const nodeArgs = [...(options.nodeFlags ?? []), options.script, ...options.args];
    const [command, argv] =
      options.cpu !== undefined && hasTaskset() ? ["taskset", ["-c", String(options.cpu), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
    const proc = spawn(command, argv, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const child = new BenchChild(proc, options.label);
    let timer: NodeJS.Timeout | undefined;
    try {
      const ready = await Promise.race([
        child.ready,
        // A short wait after exit: the child's last IPC message (its reason) may trail the exit event.
        child.exited.then(async (code) => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          throw new Error(`${options.label} exited (${code}) before it was ready${child.failure !== undefined ? `: ${child.failure}` : ""}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${options.label} was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        }),
      ]);
      return { child, ready };
    } catch (error) {
      await child.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send one command; resolves with the child's answer. */
  request<R>(command: object, timeoutMs = 600_000): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.label}: no answer to ${JSON.stringify(command)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as R);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.process.send({ id, ...command });
    });
  }

  /** Ask the child to exit; kill it (by its own pid) if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.send({ id: 0, cmd: "exit" }, () => undefined);
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The child side: answer each command with `handle`'s result (or its error).
 * `exit` ends the process.
 */
export function serveCommands(handle: (command: { cmd: string; [key: string]: unknown }) => Promise<unknown> | unknown): void {
  process.on("message", (m: { id: number; cmd: string; [key: string]: unknown }) => {
    if (m.cmd === "exit") process.exit(0);
    Promise.resolve()
      .then(() => handle(m))
      .then(
        (result) => process.send?.({ id: m.id, ok: true, result }),
        (error: unknown) => process.send?.({ id: m.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  // The orchestrator went away: do not linger.
  process.on("disconnect", () => process.exit(0));
}

/** Tell the parent this child is ready. */
export function announceReady(fields: Record<string, unknown> = {}): void {
  process.send?.({ type: "ready", ...fields });
}

/** Tell the parent why this child cannot start, then exit with status 1 (once the message is out). */
export function announceFailure(error: unknown): void {
  const text = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);
  if (process.send === undefined) {
    console.error(text);
    process.exit(1);
  }
  process.send({ type: "failed", error: text }, () => process.exit(1));
}

/** A monotonic timestamp in nanoseconds, comparable across processes of this machine (CLOCK_MONOTONIC). */
export function now(): bigint {
  return process.hrtime.bigint();
}
