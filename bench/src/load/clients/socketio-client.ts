import { io } from "socket.io-client";
import { deadline, type BenchClient, type ClientOptions } from "./bench-client.js";

/** A Socket.IO 4 client, WebSocket transport only: a request is an emit with ack. */
export async function connectSocketIo(options: ClientOptions): Promise<BenchClient> {
  const socket = io(`http://127.0.0.1:${options.port}`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    // engine.io-client hands localAddress to ws in Node; it is not in the typings.
    localAddress: options.localAddress,
  } as unknown as Parameters<typeof io>[1]);
  let closing = false;
  socket.on("msg", () => options.onBroadcast());
  socket.on("disconnect", () => {
    if (!closing) options.onLost();
  });
  const limit = deadline(30_000, "Socket.IO connect");
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      }),
      limit.promise,
    ]);
  } finally {
    limit.cancel();
  }
  return {
    request(n: number) {
      return new Promise<void>((resolve) => {
        socket.emit("req", { n }, () => resolve());
      });
    },
    heartbeat() {},
    close() {
      closing = true;
      socket.disconnect();
    },
  };
}
