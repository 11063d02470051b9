// Helpers around the official `phoenix` client. In Node 20 it has no
// XMLHttpRequest, so its Ajax class falls back to the global fetch (with an
// AbortController for timeouts): no shim is needed, and none is installed.
import { Socket, type Channel, type Push, type SocketConnectOption } from "phoenix";

/** Resolves with the payload of `push`'s first ok/error/timeout. */
export function answer(push: Push, timeoutMs = 3000): Promise<{ status: string; response: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer")), timeoutMs);
    const done = (status: string) => (response: unknown) => {
      clearTimeout(timer);
      resolve({ status, response });
    };
    push.receive("ok", done("ok")).receive("error", done("error")).receive("timeout", done("timeout"));
  });
}

/** Resolves with the next `event` payload on `channel`. */
export function next(channel: Channel, event: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.off(event, ref);
      reject(new Error(`no ${event}`));
    }, timeoutMs);
    const ref = channel.on(event, (payload: unknown) => {
      clearTimeout(timer);
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

/** A connected client socket that disconnects when the test ends. */
export function client(url: string, options: Partial<SocketConnectOption>, teardown: (fn: () => void) => void): Socket {
  const socket = new Socket(`${url}/socket`, { reconnectAfterMs: () => 20, rejoinAfterMs: () => 20, timeout: 3000, ...options });
  teardown(() => socket.disconnect());
  socket.connect();
  return socket;
}
