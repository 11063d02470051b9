/** The ~100-byte object every system broadcasts in fan-out and scale. */
export interface BroadcastPayload {
  readonly seq: number;
  readonly body: string;
}

/**
 * One system under test, running in the server process: it listens on
 * 127.0.0.1, answers requests (echo / reply / ack) and broadcasts to everyone
 * that joined the bench room.
 */
export interface BenchServer {
  readonly port: number;
  /** Send one broadcast to every joined connection, the system's idiomatic way. */
  broadcast(payload: BroadcastPayload): void;
  /** Open connections, as the system counts them. */
  connectionCount(): number;
  /**
   * Where the system can tell: when the last broadcast on the room reached this
   * process (before any connection got it) and when its fan-out here was written
   * out (the next event-loop turn after), as `now()` nanoseconds.
   */
  lastFanOut?(): { readonly arrived: bigint; readonly done: bigint } | undefined;
  close(): Promise<void>;
}

/** The room / topic every client joins. */
export const ROOM = "bench:room";
/** The broadcast event name. */
export const EVENT = "msg";
