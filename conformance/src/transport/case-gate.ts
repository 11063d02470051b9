/**
 * How many transport cases run at once in one process. ava starts every case of
 * a file together; a suite registered for four SockJS sub-transports and two
 * serializers would open ~250 fixture servers in the same instant, and each
 * case's per-frame deadline would measure the queue of the other 249 rather
 * than the transport. The gate lets a few cases run at a time (shared), and
 * runs an `isolated` case alone, so a process-level fault (an uncaught
 * exception) seen while it runs can only be its own.
 */
export class CaseGate {
  private running = 0;
  private exclusive = false;
  private readonly queue: { isolated: boolean; start(): void }[] = [];

  constructor(private readonly limit: number) {}

  /** Waits for a slot; resolves with the function that gives it back. */
  enter(isolated: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push({ isolated, start: () => resolve(this.leaver(isolated)) });
      this.pump();
    });
  }

  private leaver(isolated: boolean): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      if (isolated) this.exclusive = false;
      this.pump();
    };
  }

  // First come, first served: a waiting isolated case holds back later shared ones.
  private pump(): void {
    while (this.queue.length > 0 && !this.exclusive) {
      const next = this.queue[0]!;
      if (next.isolated ? this.running > 0 : this.running >= this.limit) return;
      this.queue.shift();
      this.running++;
      if (next.isolated) this.exclusive = true;
      next.start();
    }
  }
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Cases running at once per process: `FAWKES_CONFORMANCE_CONCURRENCY`, default 8.
 */
export const caseConcurrency = Math.floor(envNumber("FAWKES_CONFORMANCE_CONCURRENCY") ?? 8);

/**
 * The factor every wait of the suite is multiplied by: `FAWKES_TIMEOUT_SCALE`,
 * else 2 when `CI` is set, else 1. Raise it on a slow or shared machine; a real
 * hang still fails, only later.
 */
export const timeoutScale = envNumber("FAWKES_TIMEOUT_SCALE") ?? (process.env.CI ? 2 : 1);

/** The one gate of this process: every suite registered in it shares it. */
export const caseGate = new CaseGate(caseConcurrency);
