// Shared by the drain tests: WebSocket clients that are closed at teardown, and the
// moment each one saw its close (to show a drain closes in batches, not all at once).
import type { ExecutionContext } from "ava";
import { websocketClientDriver, type ClientConnection } from "@fawkes/websocket/testing";

/** Connects a V2 WebSocket client to `url` (refusal throws) and closes it when the test ends. */
export async function ws(t: ExecutionContext, url: string): Promise<ClientConnection> {
  const outcome = await websocketClientDriver.connect({ url, path: "/socket/websocket", params: { vsn: "2.0.0" } });
  if (!outcome.ok) throw new Error(`refused ${outcome.status}`);
  t.teardown(() => outcome.connection.close());
  return outcome.connection;
}

/** The close of every client, and `closedAt`: milliseconds from now to each close, in the order they arrive. */
export function timeCloses(clients: readonly ClientConnection[]): {
  closes: Promise<Awaited<ClientConnection["closed"]>>[];
  closedAt: number[];
} {
  const started = Date.now();
  const closedAt: number[] = [];
  const closes = clients.map((c) =>
    c.closed.then((info) => {
      closedAt.push(Date.now() - started);
      return info;
    }),
  );
  return { closes, closedAt };
}
