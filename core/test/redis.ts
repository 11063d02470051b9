// Tests that need a real Redis run when it answers PING, and always when CI is
// set (where a missing Redis must fail them); otherwise they are skipped with
// the reason in the title.
import test, { type ExecutionContext } from "ava";
import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";

export const REDIS_URL = process.env.FAWKES_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const reachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = createConnection({ host: hostname, port: Number(port || 6379) });
  const done = (ok: boolean): void => { socket.destroy(); clearTimeout(timer); resolve(ok); };
  const timer = setTimeout(() => done(false), 500);
  socket.once("error", () => done(false));
  socket.once("connect", () => socket.write("PING\r\n"));
  socket.once("data", (data: Buffer) => done(data.toString().startsWith("+PONG")));
});
const mustRun = reachable || (process.env.CI !== undefined && process.env.CI !== "");

/** Declares a test that needs Redis at {@link REDIS_URL}. */
export function redisTest(title: string, fn: (t: ExecutionContext) => Promise<void>): void {
  if (mustRun) test(`${title} (real Redis)`, fn);
  else test.skip(`${title} (skipped: no Redis at ${REDIS_URL} and CI is not set)`, fn);
}

/** A Redis channel prefix no other test run uses. */
export function uniquePrefix(): string {
  return `fawkes-test:core:${randomUUID()}`;
}
