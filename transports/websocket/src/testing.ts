/**
 * A client driver for `@fawkes/conformance` (and your own tests): connects with
 * the `ws` client the way the official `phoenix` client connects.
 *
 * ```ts
 * import { websocketClientDriver } from "@fawkes/websocket/testing";
 * const outcome = await websocketClientDriver.connect({
 *   url: "http://127.0.0.1:4000", path: "/socket/websocket", params: { vsn: "2.0.0" },
 * });
 * if (outcome.ok) outcome.connection.send({ opcode: "text", data: '[null,"1","phoenix","heartbeat",{}]' });
 * ```
 */
import { WebSocket } from "ws";
import type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver, Frame } from "@fawkes/core";
import { AUTH_TOKEN_PREFIX } from "./subprotocol-offer.js";

// The driver contract lives in core; re-exported for convenience.
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core";

/**
 * The WebSocket driver. The auth token travels as the subprotocol
 * `base64url.bearer.phx.<base64url token>` next to `phoenix`, as the official
 * client sends it; `headers` (an `origin` included) are sent with the upgrade.
 * Text frames arrive as strings, binary frames as plain `Uint8Array`s.
 */
export const websocketClientDriver: ClientDriver = {
  connect({ url, path, params, authToken, headers = {} }) {
    const target = new URL(path, url);
    target.protocol = target.protocol === "https:" || target.protocol === "wss:" ? "wss:" : "ws:";
    target.search = new URLSearchParams(params).toString();
    const protocols = authToken === undefined ? [] : ["phoenix", `${AUTH_TOKEN_PREFIX}${Buffer.from(authToken, "utf8").toString("base64url")}`];
    const { origin, ...rest } = lowerCaseKeys(headers);
    const ws = new WebSocket(target, protocols, { headers: rest, ...(origin === undefined ? {} : { origin }) });
    return new Promise<ClientConnectOutcome>((resolve, reject) => {
      ws.once("unexpected-response", (_req, res) => {
        resolve({ ok: false, status: res.statusCode ?? 0 });
        res.resume();
        ws.terminate();
      });
      ws.once("open", () => resolve({ ok: true, connection: new WsClientConnection(ws) }));
      ws.on("error", (error) => reject(error));
    });
  },
};

interface Waiter { resolve(frame: Frame): void; reject(error: Error): void }

class WsClientConnection implements ClientConnection {
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  private readonly frames: Frame[] = [];
  private readonly waiters: Waiter[] = [];
  private ended = false;

  constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const frame: Frame = isBinary ? { opcode: "binary", data: new Uint8Array(data) } : { opcode: "text", data: data.toString("utf8") };
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter.resolve(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code: number, reason: Buffer) => {
        this.ended = true;
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`connection closed (${code})`));
        resolve({ code, reason: reason.toString("utf8") });
      });
    });
  }

  send(frame: Frame): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame.data, { binary: frame.opcode === "binary" });
  }

  receive(timeoutMs = 2000): Promise<Frame> {
    const next = this.frames.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.ended) return Promise.reject(new Error("connection closed"));
    return new Promise<Frame>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (frame) => { clearTimeout(timer); resolve(frame); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.ws.close(1000);
      const timer = setTimeout(() => this.ws.terminate(), 2000);
      await this.closed;
      clearTimeout(timer);
    }
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
