import type { Serializer, Transport, TransportCapabilities } from "@fawkes/core";
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
  /** How long to wait for each expected frame, in ms. Default 2000. */
  readonly receiveTimeoutMs?: number;
}
