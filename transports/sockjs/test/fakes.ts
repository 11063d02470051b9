/** Stand-ins for a sockjs connection, a core host and an output meter, to drive a SockJSConnection by hand. */
import { EventEmitter } from "node:events";
import { silentLogger, type ConnectionPort, type ConnectionSink, type Logger, type TransportHost } from "@fawkes/core";
import type { OutboundMeter } from "../dist/outbound-meter.js";
import type { SockJSConn } from "../dist/sockjs-library.js";

export interface Logged {
  readonly message: string;
  readonly code: unknown;
}

export function recorder(): { log: Logger; logged: Logged[] } {
  const logged: Logged[] = [];
  const record = (message: string, fields?: Record<string, unknown>) => {
    logged.push({ message, code: fields?.code });
  };
  return { log: { ...silentLogger, warn: record, error: record }, logged };
}

/** A sockjs connection stand-in that records closes; `closeThrows` makes `close` throw as faye does for 1001. */
export function fakeConn(closeThrows = false): SockJSConn & { closes: [number, string][]; writes: string[] } {
  const conn = Object.assign(new EventEmitter(), {
    url: "/socket/sockjs/000/s/xhr?vsn=2.0.0",
    headers: {},
    readyState: 1,
    closes: [] as [number, string][],
    writes: [] as string[],
    write(m: string) {
      conn.writes.push(m);
      return true;
    },
    close(code: number, reason: string) {
      if (closeThrows) throw new Error("The code must be either 1000, or between 3000 and 4999");
      conn.closes.push([code, reason]);
      return true;
    },
  });
  return conn as unknown as SockJSConn & { closes: [number, string][]; writes: string[] };
}

export const meter = (): OutboundMeter & { destroyed: number } => {
  const m = {
    destroyed: 0,
    queued: () => 0,
    wrote() {},
    attach() {},
    attached: () => true,
    destroy() {
      m.destroyed++;
    },
  };
  return m;
};

/** A host that accepts every connect and hands out `port`; `sink()` is the sink the transport opened with. */
export function host(
  log: Logger,
  port: (closed: unknown[]) => Omit<ConnectionPort, "closed">,
): { host: TransportHost; closed: unknown[]; sink(): ConnectionSink } {
  const closed: unknown[] = [];
  let opened: ConnectionSink | undefined;
  // Cast: the host's node-to-node member (pubsub or relay) is never used by sockjs.
  const h = {
    name: "sockjs",
    path: "/socket/sockjs",
    mount: "/socket",
    log,
    connect: async () => ({
      ok: true as const,
      serializer: undefined as never,
      open: (sink: ConnectionSink) => {
        opened = sink;
        return {
          ...port(closed),
          closed: (info: unknown) => {
            closed.push(info);
          },
        };
      },
    }),
  } as unknown as TransportHost;
  const sink = (): ConnectionSink => {
    if (opened === undefined) throw new Error("the transport has not opened the connection");
    return opened;
  };
  return { host: h, closed, sink };
}

export const request = { params: {}, headers: {}, remoteAddress: "127.0.0.1", remotePort: 1, url: "/" };
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
