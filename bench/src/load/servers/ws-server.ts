import { createServer } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import type { BenchServer, BroadcastPayload } from "./bench-server.js";

/**
 * The baseline: bare `ws`. A request is echoed; a broadcast is a loop of `send`
 * over the clients (each send frames the message again), as most hand-written
 * ws servers do it. The "room" is a Set, the cheapest join there is.
 */
export async function startWsServer(): Promise<BenchServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });
  const room = new Set<WebSocket>();
  wss.on("connection", (ws) => {
    room.add(ws);
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on("close", () => room.delete(ws));
    ws.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    broadcast(payload: BroadcastPayload) {
      const text = JSON.stringify(payload);
      for (const ws of room) ws.send(text);
    },
    connectionCount: () => room.size,
    async close() {
      for (const ws of room) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
