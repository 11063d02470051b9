// A fixture server with the TCP transport, and a raw line client to poke at it.
import { connect, type Socket } from "node:net";
import type { ExecutionContext } from "ava";
import { silentLogger } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { startFixtureServer, type FixtureServer } from "@fawkes/conformance/fixture";
import { tcpTransport, type TcpTransportOptions } from "@fawkes/example-tcp-transport";

export interface TcpFixture {
  readonly fixture: FixtureServer;
  readonly port: number;
}

/** The fixture app with `tcpTransport` at `/socket/tcp`; closed when the test ends. */
export async function startTcpFixture(t: ExecutionContext, options: Partial<TcpTransportOptions> = {}): Promise<TcpFixture> {
  const fixture = await startFixtureServer({ transports: { tcp: tcpTransport({ port: 0, ...options }) }, serializers: [jsonV2, jsonV1], logger: silentLogger });
  t.teardown(() => fixture.close());
  const body = (await (await fetch(`${fixture.url}/socket/tcp`)).json()) as { port: number };
  return { fixture, port: body.port };
}

/** A socket that reads whole lines; destroyed when the test ends. */
export class RawClient {
  readonly ended: Promise<void>;
  private buffer = "";
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private readonly lines: string[] = [];
  private done = false;

  constructor(
    t: ExecutionContext,
    port: number,
    readonly socket: Socket = connect({ host: "127.0.0.1", port }),
  ) {
    t.teardown(() => {
      socket.destroy();
    });
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (text: string) => {
      this.buffer += text;
      for (let nl = this.buffer.indexOf("\n"); nl !== -1; nl = this.buffer.indexOf("\n")) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const waiter = this.waiting.shift();
        if (waiter !== undefined) waiter(line);
        else this.lines.push(line);
      }
    });
    this.ended = new Promise((resolve) =>
      socket.on("close", () => {
        this.done = true;
        for (const waiter of this.waiting.splice(0)) waiter(undefined);
        resolve();
      }),
    );
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The next line, or undefined once the socket closed (or after 2 s). */
  next(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined || this.done) return Promise.resolve(line);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 2000);
      this.waiting.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  }
}

/** Resolves true if `promise` settles within `ms`. */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Polls `check` every 20 ms for up to 2 s. */
export async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

export const handshake = (params: Record<string, string> = { vsn: "2.0.0" }, extra: object = {}): string =>
  `${JSON.stringify({ path: "/socket/tcp", params, ...extra })}\n`;
