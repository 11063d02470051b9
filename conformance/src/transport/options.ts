import type { BackpressureOptions, Serializer, Transport, TransportCapabilities } from "@fawkes/core";
import type { ClientDriver } from "../client-driver.js";
import type { ClientCodec } from "../codec.js";

/**
 * A transport's declared capabilities, plus what its client driver can show.
 * Cases that need a capability the transport lacks are registered as skipped,
 * with the reason in their title.
 */
export interface ConformanceCapabilities extends TransportCapabilities {
  /** Connections end with WebSocket-style close codes (1001, 1007, 1012). Default true. */
  readonly closeCodes?: boolean;
  /** The driver can send a frame the serializer cannot read (a raw, malformed frame). Default true. */
  readonly rawFrames?: boolean;
  /** The driver sends `headers.origin` so the core's origin check applies. Default true. */
  readonly checksOrigin?: boolean;
}

/** One serializer to run every case with, and the client codec that speaks it. */
export interface SuiteSerializer {
  readonly serializer: Serializer;
  readonly codec: ClientCodec;
  /** The serializer carries `Uint8Array` payloads (enables the binary echo case). Default false. */
  readonly binaryPayloads?: boolean;
}

/**
 * How to make the transport configured for a fault case. Each is optional; a
 * fault case whose factory is missing is registered as skipped, with the reason.
 */
export interface FaultOptions {
  /**
   * The transport with its idle close set to about `ms`: a connection from which
   * nothing arrived for `ms` (give or take the transport's sweep interval) is
   * closed with 1001, and one that keeps sending is not. For a polling transport
   * a poll is traffic too (LongPoll: `window: ms / 1.5`, since a session with no
   * poll for 1.5 windows ends). The case allows up to 3 x `ms` for the close.
   */
  idleTimeout?(ms: number): Transport;
  /**
   * The transport with its slow-consumer limits set to `limits` (the shared
   * policy of `@fawkes/core`'s `SlowConsumerWatch`: cut off with 1008
   * `ERR_SLOW_CONSUMER` when queued output stays above `maxBufferedBytes` for
   * `slowConsumerGraceMs`, or passes `hardMaxBufferedBytes`). Needs a driver
   * that declares `supports.pauseReading`.
   */
  slowConsumer?(limits: Required<BackpressureOptions>): Transport;
}

/** What the transport suite runs against. */
export interface TransportSuiteOptions {
  /** The name the transport is registered under, e.g. `websocket` (path `/socket/<name>`). */
  readonly name: string;
  /** Makes a fresh transport; called once per case. */
  readonly transport: () => Transport;
  /** Opens real client connections (e.g. `websocketClientDriver` from `@fawkes/websocket/testing`). */
  readonly driver: ClientDriver;
  readonly capabilities: ConformanceCapabilities;
  /** Serializers to run every case with. Default: JSON V1 and V2. */
  readonly serializers?: readonly SuiteSerializer[];
  /** Title prefix. Default `transport <name>`. */
  readonly title?: string;
  /**
   * How long to wait for each expected frame, in ms, before the time scale
   * (`FAWKES_TIMEOUT_SCALE`, else 2 under `CI`, else 1) is applied. Default 2000.
   */
  readonly receiveTimeoutMs?: number;
  /** Transport factories for the fault cases (idle timeout, slow consumer). */
  readonly faults?: FaultOptions;
}
