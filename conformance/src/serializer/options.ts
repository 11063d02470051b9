import type { Frame, Serializer } from "@fawkes/core";
import type { ClientCodec } from "../codec.js";
import type { GoldenVector } from "./golden.js";

/** What the serializer suite runs against. */
export interface SerializerSuiteOptions {
  /** The server-side serializer under test. */
  readonly serializer: Serializer;
  /** The matching client codec (what a client of this serializer does). */
  readonly codec: ClientCodec;
  readonly capabilities: {
    /** `Uint8Array` payloads travel both ways. False: binary cases are skipped. */
    readonly binaryPayloads: boolean;
  };
  /** Title prefix for every case. Default `serializer <name> (vsn <codec vsn>)`. */
  readonly title?: string;
  /** Exact frames for known messages. */
  readonly golden?: readonly GoldenVector[];
  /** Frames this format must refuse with a `SerializerError`, besides the generic garbage. */
  readonly malformed?: readonly Frame[];
}
