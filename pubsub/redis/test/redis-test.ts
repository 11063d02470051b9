// Tests that need a real Redis. They run when Redis answers PING, and always
// when CI is set (where a missing Redis must fail them); otherwise they are
// skipped with the reason in the title.
import test, { type ExecutionContext } from "ava";
import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import type { Logger } from "@fawkes/core";

/** The Redis the tests use (`FAWKES_TEST_REDIS_URL` overrides). */
export const REDIS_URL = process.env.FAWKES_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function ping(url: string, timeoutMs = 3000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean): void => {
      socket.destroy();
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data: Buffer) => done(data.toString().startsWith("+PONG")));
  });
}

const reachable = await ping(REDIS_URL);
const mustRun = reachable || (process.env.CI !== undefined && process.env.CI !== "");

/** Declares a test that needs Redis at {@link REDIS_URL}. */
export function redisTest(title: string, fn: (t: ExecutionContext) => Promise<void>): void {
  if (mustRun) test(`${title} (real Redis)`, fn);
  else test.skip(`${title} (skipped: no Redis at ${REDIS_URL} and CI is not set)`, fn);
}

/** A channel prefix no other test (or test run) uses. */
export function uniquePrefix(): string {
  return `fawkes-test:${randomUUID()}`;
}

/** One logged line. */
export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** A logger that records every line, and can wait for one. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  private waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  debug(message: string, fields?: Record<string, unknown>): void {
    this.add("debug", message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.add("info", message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.add("warn", message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.add("error", message, fields);
  }

  /** Resolves with the first line (already logged or to come) that `match`es; rejects after `timeoutMs`. */
  next(match: (line: LogLine) => boolean, timeoutMs = 3000): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no such log line in time")), timeoutMs);
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  private add(level: LogLine["level"], message: string, fields: Record<string, unknown> | undefined): void {
    const line = { level, message, fields };
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(line)) return true;
      w.resolve(line);
      return false;
    });
  }
}

/** Waits until `check` holds, polling every 10 ms, for at most `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
