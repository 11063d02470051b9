// Page side (runs in Chromium, bundled by esbuild): one phoenix client session
// against the fixture app, reporting what it saw as plain JSON for the test.
import type { Channel, Push, Socket } from "phoenix";

/** What the test asks the page to do. */
export interface ScenarioConfig {
  /** Socket endpoint for `new Socket(...)`, e.g. `ws://127.0.0.1:4100/socket`. */
  readonly endpoint: string;
  readonly topic: string;
  /** Push an ArrayBuffer to `echo` and expect the same bytes back. */
  readonly binaryEcho: boolean;
  /** Push an ArrayBuffer and report the synchronous error (text-only transports). */
  readonly binaryRefused: boolean;
  /** sockjs pages only: the one sockjs-client sub-transport to allow (`"xhr-streaming"`). */
  readonly sockjsSubTransport?: string;
  /** Phoenix's `authToken` option, if any. */
  readonly authToken?: string;
}

/** What the page saw; every field is JSON so it crosses `page.evaluate`. */
export interface ScenarioResult {
  readonly joinReply: unknown;
  readonly joinedPush: unknown;
  readonly echoJson: unknown;
  /** For `binaryEcho`: whether the reply was an ArrayBuffer, and its bytes. */
  readonly echoBinary?: { readonly isArrayBuffer: boolean; readonly bytes: number[] };
  /** For `binaryRefused`: the `code` of the error `push` threw (or "none"). */
  readonly binaryRefusedCode?: string;
  readonly broadcast: unknown;
  /** Socket errors reported by the client while the scenario ran. */
  readonly socketErrors: number;
}

/** The function an entry installs on `window` for the test to call. */
export type RunScenario = (config: ScenarioConfig) => Promise<ScenarioResult>;

/** Bytes covering every high-bit and boundary value a text codec would mangle. */
export const BINARY_SAMPLE = [0, 1, 2, 127, 128, 191, 192, 254, 255, 0xc0, 0xc1, 0xef, 0xbb, 0xbf, 0];

export const JSON_SAMPLE = { text: "héllo wörld ✓ 🚀", n: [1, 2.5, -3, 2 ** 40], nested: { ok: true, nil: null }, empty: {} };

export const BROADCAST_SAMPLE = { body: "from POST /fixture/broadcast", at: 42 };

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function receive(push: Push, what: string): Promise<unknown> {
  return within(
    new Promise((resolve, reject) => {
      push.receive("ok", resolve);
      push.receive("error", (reply: unknown) => reject(new Error(`${what}: error reply ${JSON.stringify(reply)}`)));
      push.receive("timeout", () => reject(new Error(`${what}: push timeout`)));
    }),
    5000,
    what,
  );
}

function nextEvent(channel: Channel, event: string): Promise<unknown> {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload: unknown) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

/**
 * Connect `socket`, join `config.topic`, echo JSON (and binary), then receive a
 * broadcast triggered through the fixture's control route on this page's origin.
 */
export async function runScenario(socket: Socket, config: ScenarioConfig): Promise<ScenarioResult> {
  let socketErrors = 0;
  socket.onError(() => {
    socketErrors += 1;
  });
  try {
    const opened = new Promise<void>((resolve) => {
      socket.onOpen(() => resolve());
    });
    socket.connect();
    await within(opened, 5000, "socket open");

    const channel = socket.channel(config.topic, {});
    const joinedPush = nextEvent(channel, "joined");
    const joinReply = await receive(channel.join(), "join");
    const joined = await within(joinedPush, 3000, "the joined push");

    const echoJson = await receive(channel.push("echo", JSON_SAMPLE), "json echo");

    let echoBinary: ScenarioResult["echoBinary"];
    if (config.binaryEcho) {
      const reply = await receive(channel.push("echo", new Uint8Array(BINARY_SAMPLE).buffer), "binary echo");
      echoBinary =
        reply instanceof ArrayBuffer
          ? { isArrayBuffer: true, bytes: Array.from(new Uint8Array(reply)) }
          : { isArrayBuffer: false, bytes: ArrayBuffer.isView(reply) ? Array.from(new Uint8Array(reply.buffer, reply.byteOffset, reply.byteLength)) : [] };
    }

    let binaryRefusedCode: string | undefined;
    if (config.binaryRefused) {
      binaryRefusedCode = "none";
      try {
        channel.push("echo", new Uint8Array(BINARY_SAMPLE).buffer);
      } catch (error) {
        binaryRefusedCode = String((error as { code?: unknown }).code);
      }
    }

    const broadcastSeen = nextEvent(channel, "new_msg");
    const posted = await fetch("/fixture/broadcast", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ topic: config.topic, event: "new_msg", payload: BROADCAST_SAMPLE }),
    });
    if (posted.status !== 200) throw new Error(`POST /fixture/broadcast answered ${posted.status}`);
    const broadcast = await within(broadcastSeen, 3000, "the broadcast");

    return {
      joinReply,
      joinedPush: joined,
      echoJson,
      ...(echoBinary === undefined ? {} : { echoBinary }),
      ...(binaryRefusedCode === undefined ? {} : { binaryRefusedCode }),
      broadcast,
      socketErrors,
    };
  } finally {
    socket.disconnect();
  }
}
