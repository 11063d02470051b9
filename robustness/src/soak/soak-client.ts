import { LongPoll, Socket, type Channel, type Push } from "phoenix";
import { WebSocket } from "ws";
import { sockjsTransport } from "@fawkes/sockjs/client";
import type { DeliveryLedger } from "./delivery-ledger.js";

/** How a soak client reaches the server: the official client over each transport (SockJS by sub-transport). */
export const SOAK_TRANSPORTS = ["websocket", "longpoll", "sockjs/websocket", "sockjs/xhr-streaming", "sockjs/xhr-polling"] as const;
export type SoakTransport = (typeof SOAK_TRANSPORTS)[number];

/** One user's visit: connect, join `room`, push `messages` broadcasts `gapMs` apart, leave, disconnect. */
export interface SoakVisit {
  readonly id: string;
  readonly transport: SoakTransport;
  readonly room: string;
  readonly messages: number;
  readonly gapMs: number;
}

/** How a visit went; anything but `ok` is counted against the server. */
export type VisitOutcome = "ok" | "join-failed" | "push-failed" | "leave-failed" | "interrupted";

/** A visit's outcome, and for an interrupted one what the client saw first (an error or a close code). */
export interface VisitReport {
  readonly outcome: VisitOutcome;
  readonly interruption: string | undefined;
}

function transportOption(transport: SoakTransport): unknown {
  switch (transport) {
    case "websocket":
      return WebSocket;
    case "longpoll":
      return LongPoll;
    default:
      return sockjsTransport({ transports: [transport.slice("sockjs/".length)] });
  }
}

/**
 * Resolves with the reply status of `push` ("ok", "error" or "timeout"). `onOk` runs
 * synchronously as the ok reply is read, before any message that arrived with it in
 * the same poll or frame batch is handled.
 */
function reply(push: Push, onOk: () => void = () => {}): Promise<string> {
  return new Promise((resolve) => {
    push
      .receive("ok", () => {
        onOk();
        resolve("ok");
      })
      .receive("error", () => resolve("error"))
      .receive("timeout", () => resolve("timeout"));
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const e = error as { type?: unknown; message?: unknown } | undefined;
  return String(e?.message ?? e?.type ?? error);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one visit with the official `phoenix` client, recording into `ledger`. Never
 * rejects; the outcome says how it went. The socket is disconnected in every case.
 */
export async function runVisit(baseUrl: string, visit: SoakVisit, ledger: DeliveryLedger): Promise<VisitReport> {
  const socket = new Socket(`${baseUrl.replace(/^http/, "ws")}/socket`, {
    transport: transportOption(visit.transport) as never,
    vsn: "2.0.0",
    timeout: 15_000,
    longpollerTimeout: 20_000,
    // A reconnect during the soak is a failure to report, not something to hide.
    reconnectAfterMs: () => 60_000,
    rejoinAfterMs: () => 60_000,
  } as never);
  let closing = false;
  let interrupted = false;
  let interruption: string | undefined;
  const interrupt = (what: string): void => {
    if (closing) return;
    interrupted = true;
    interruption ??= what;
    // A subscriber whose connection failed is no longer live: nothing later is owed to it.
    ledger.leaving(visit.id, performance.now());
  };
  socket.onError((error: unknown) => interrupt(`error ${describe(error)}`));
  socket.onClose((event: unknown) => interrupt(`close ${(event as { code?: unknown } | undefined)?.code ?? "?"}`));
  socket.connect();
  const channel: Channel = socket.channel(visit.room, {});
  channel.on("new_msg", (payload: { id?: string }) => {
    if (typeof payload.id === "string") ledger.received(visit.id, payload.id, performance.now());
  });
  const done = (outcome: VisitOutcome): VisitReport => ({ outcome, interruption });
  try {
    if ((await reply(channel.join(), () => ledger.joined(visit.id, visit.room, performance.now(), `${visit.id} over ${visit.transport}`))) !== "ok")
      return done("join-failed");
    for (let i = 0; i < visit.messages; i++) {
      await pause(visit.gapMs);
      if (interrupted) return done("interrupted");
      const id = `${visit.id}.${i}`;
      ledger.sent(id, visit.room, performance.now());
      if ((await reply(channel.push("broadcast", { id }), () => ledger.acked(id, performance.now()))) !== "ok") return done("push-failed");
    }
    await pause(visit.gapMs);
    // The official client stops listening the moment `leave()` is called (its leave
    // "ok" is synthetic), so first a barrier: the echo's reply leaves the server after
    // every broadcast fanned out before the echo arrived, on this same connection.
    ledger.leaving(visit.id, performance.now());
    if ((await reply(channel.push("echo", {}))) !== "ok") return done("push-failed");
    if ((await reply(channel.leave(), () => ledger.leaveAnswered(visit.id, performance.now()))) !== "ok") return done("leave-failed");
    return done(interrupted ? "interrupted" : "ok");
  } finally {
    ledger.leaving(visit.id, performance.now());
    closing = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      socket.disconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
