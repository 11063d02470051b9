import { Socket, type Channel } from "phoenix";
import { WebSocket } from "ws";
import { fixtureBroadcast } from "./http-json.js";

/** What the bystander saw over the whole run. */
export interface BystanderReport {
  /** Broadcasts sent by the ticker. */
  readonly sent: number;
  /** Sequence numbers sent that never arrived. */
  readonly missing: readonly number[];
  /** Times the bystander's socket closed or errored during the run. */
  readonly interruptions: number;
  /** Broadcast requests the fixture's control route did not answer with 200 (the server is not serving). */
  readonly tickFailures: readonly string[];
  /** Slowest broadcast round trip (POST to delivery), ms. */
  readonly maxLatencyMs: number;
}

/**
 * An innocent client that must keep being served while others attack the server:
 * the official `phoenix` client over WebSocket, joined to `room:bystander`, and a
 * ticker that broadcasts `tick {seq}` to that room through the fixture's control
 * route every `intervalMs`. `stop()` sends one last tick, waits (bounded) for
 * every tick to arrive, and reports.
 */
export class Bystander {
  private readonly socket: Socket;
  private channel!: Channel;
  private readonly sentAt = new Map<number, number>();
  private readonly received = new Set<number>();
  private interruptions = 0;
  private maxLatencyMs = 0;
  private seq = 0;
  private ticker: NodeJS.Timeout | undefined;
  private tickFailures: unknown[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly baseUrl: string) {
    this.socket = new Socket(`${baseUrl.replace(/^http/, "ws")}/socket`, {
      transport: WebSocket as never,
      vsn: "2.0.0",
      timeout: 10_000,
      reconnectAfterMs: () => 100,
      rejoinAfterMs: () => 100,
    } as never);
  }

  /** Connects, joins `room:bystander` and starts the ticker. */
  static async start(baseUrl: string, intervalMs = 250): Promise<Bystander> {
    const b = new Bystander(baseUrl);
    await b.join();
    b.ticker = setInterval(() => b.tick(), intervalMs);
    return b;
  }

  private join(): Promise<void> {
    this.socket.onError(() => {
      this.interruptions++;
    });
    this.socket.onClose(() => {
      this.interruptions++;
    });
    this.socket.connect();
    this.channel = this.socket.channel("room:bystander", {});
    this.channel.on("tick", (payload: { seq: number }) => {
      if (!this.sentAt.has(payload.seq) || this.received.has(payload.seq)) return;
      this.received.add(payload.seq);
      this.maxLatencyMs = Math.max(this.maxLatencyMs, performance.now() - this.sentAt.get(payload.seq)!);
      for (const wake of this.waiters.splice(0)) wake();
    });
    return new Promise((resolve, reject) => {
      this.channel
        .join()
        .receive("ok", () => resolve())
        .receive("error", (r: unknown) => reject(new Error(`bystander join: ${JSON.stringify(r)}`)))
        .receive("timeout", () => reject(new Error("bystander join timed out")));
    });
  }

  private tick(): void {
    const seq = ++this.seq;
    this.sentAt.set(seq, performance.now());
    fixtureBroadcast(this.baseUrl, "room:bystander", "tick", { seq }).catch((error: unknown) => {
      this.tickFailures.push(error);
    });
  }

  /** Stops the ticker and disconnects without waiting or reporting (for teardown after a failure). Idempotent. */
  close(): void {
    clearInterval(this.ticker);
    this.socket.disconnect();
  }

  /** Stops the ticker, waits up to `graceMs` for outstanding ticks, disconnects and reports. */
  async stop(graceMs = 5000): Promise<BystanderReport> {
    clearInterval(this.ticker);
    this.tick();
    if (this.interruptions > 0) graceMs = Math.min(graceMs, 1000); // already failed: do not wait long
    const deadline = performance.now() + graceMs;
    while (this.received.size < this.sentAt.size && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const interruptions = this.interruptions;
    // Bounded: against a server that died, the client's teardown can wait on a socket that never opened.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      this.socket.disconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const missing = [...this.sentAt.keys()].filter((s) => !this.received.has(s));
    return { sent: this.sentAt.size, missing, interruptions, tickFailures: this.tickFailures.map(String), maxLatencyMs: Math.round(this.maxLatencyMs) };
  }
}
