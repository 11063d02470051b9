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
  close(): Promise<void>;
}

/** The room / topic every client joins. */
export const ROOM = "bench:room";
/** The broadcast event name. */
export const EVENT = "msg";
