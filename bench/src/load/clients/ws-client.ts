import { WebSocket } from "ws";
import { deadline, type BenchClient, type ClientOptions } from "./bench-client.js";

/** A bare `ws` client: a request is a text message the server echoes. */
export async function connectWs(options: ClientOptions): Promise<BenchClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${options.port}/`, { perMessageDeflate: false, localAddress: options.localAddress });
  let pending: (() => void) | undefined;
  let closing = false;
  ws.on("message", () => {
    const p = pending;
    if (p !== undefined) {
      pending = undefined;
      p();
    } else options.onBroadcast();
  });
  ws.on("close", () => {
    if (!closing) options.onLost();
  });
  const limit = deadline(30_000, "ws connect");
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      }),
      limit.promise,
    ]);
  } finally {
    limit.cancel();
  }
  ws.on("error", () => undefined);
  return {
    request(n: number) {
      return new Promise<void>((resolve) => {
        pending = resolve;
        ws.send(`{"n":${n}}`);
      });
    },
    heartbeat() {},
    close() {
      closing = true;
      ws.terminate();
    },
  };
}
