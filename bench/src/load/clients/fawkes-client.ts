import { WebSocket } from "ws";
import { deadline, type BenchClient, type ClientOptions } from "./bench-client.js";

const TOPIC = "bench:room";
const JOIN_REF = "1";

/**
 * A lean Phoenix V2 client over `ws` (the official `phoenix` client costs far more
 * on the generator than the server spends, and would cap throughput): join the
 * room, then a request is a `ping` push whose reply is matched by ref. Broadcasts
 * are the frames starting `[null,null`. Heartbeats go out when asked, as the
 * official client sends them every 30 s.
 */
export async function connectFawkes(options: ClientOptions): Promise<BenchClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${options.port}/socket/websocket?vsn=2.0.0`, { perMessageDeflate: false, localAddress: options.localAddress });
  let ref = 1;
  let pending: { prefix: string; resolve: () => void } | undefined;
  let closing = false;
  ws.on("message", (data: Buffer) => {
    // Broadcast frames start with `[null,null` (heartbeat replies with `[null,"hb`):
    // count them without decoding.
    if (data[1] === 0x6e && data[6] === 0x6e) {
      options.onBroadcast();
      return;
    }
    const p = pending;
    if (p !== undefined && data.toString("latin1", 0, p.prefix.length) === p.prefix) {
      pending = undefined;
      p.resolve();
    }
  });
  ws.on("close", () => {
    if (!closing) options.onLost();
  });
  const send = (event: string, payload: string): Promise<void> => {
    const r = String(++ref);
    return new Promise<void>((resolve) => {
      pending = { prefix: `["${JOIN_REF}","${r}"`, resolve };
      ws.send(`["${JOIN_REF}","${r}","${TOPIC}","${event}",${payload}]`);
    });
  };
  const limit = deadline(30_000, "Fawkes connect and join");
  try {
    await Promise.race([
      (async () => {
        await new Promise<void>((resolve, reject) => {
          ws.once("open", resolve);
          ws.once("error", reject);
        });
        await send("phx_join", "{}");
      })(),
      limit.promise,
    ]);
  } finally {
    limit.cancel();
  }
  ws.on("error", () => undefined);
  return {
    request: (n: number) => send("ping", `{"n":${n}}`),
    heartbeat() {
      if (ws.readyState === WebSocket.OPEN) ws.send(`[null,"hb${++ref}","phoenix","heartbeat",{}]`);
    },
    close() {
      closing = true;
      ws.terminate();
    },
  };
}
