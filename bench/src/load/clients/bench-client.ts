/** One client connection of the load generator, whatever the system. */
export interface BenchClient {
  /** Send one request and resolve when its answer arrived. */
  request(n: number): Promise<void>;
  /** Heartbeat, where the system's client does one itself (Fawkes); else a no-op. */
  heartbeat(): void;
  /** Drop the connection at once. */
  close(): void;
}

/** How to reach the server, and where broadcast receipts are counted. */
export interface ClientOptions {
  readonly port: number;
  /** Source address (127.0.0.x), to spread connections over several ephemeral port ranges. */
  readonly localAddress: string;
  /** Called once per broadcast message received. */
  readonly onBroadcast: () => void;
  /** Called if the connection ends unexpectedly. */
  readonly onLost: () => void;
}

/** Rejects after `ms` with `what` in the message. */
export function deadline(ms: number, what: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
