import { createServer } from "node:http";
import { Server } from "socket.io";
import { EVENT, ROOM, type BenchServer, type BroadcastPayload } from "./bench-server.js";

/**
 * Socket.IO 4, WebSocket transport only (no polling upgrade dance). Each
 * connection joins the room on connect; `req` is answered through its ack;
 * a broadcast is `io.to(room).emit`, which encodes once and writes to each.
 */
export async function startSocketIoServer(): Promise<BenchServer> {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"], serveClient: false, perMessageDeflate: false });
  io.on("connection", (socket) => {
    void socket.join(ROOM);
    socket.on("req", (payload: unknown, ack: unknown) => {
      if (typeof ack === "function") ack(payload);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    broadcast(payload: BroadcastPayload) {
      io.to(ROOM).emit(EVENT, payload);
    },
    connectionCount: () => io.engine.clientsCount,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
