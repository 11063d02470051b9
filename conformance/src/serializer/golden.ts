import type { Broadcast, Frame, Message, Outbound } from "@fawkes/core";

/**
 * A golden vector: an exact frame for a known message. `decode` vectors are client
 * frames the serializer must read as `message`; `encode` and `fastlane` vectors
 * are what the serializer must write. `compare: "json"` compares text frames as
 * parsed JSON (for formats where key order is free, like V1 objects); the default,
 * `"exact"`, compares the frame's opcode and every character or byte.
 */
export type GoldenVector =
  | { readonly name: string; readonly kind: "decode"; readonly frame: Frame; readonly message: Message }
  | { readonly name: string; readonly kind: "encode"; readonly message: Outbound; readonly frame: Frame; readonly compare?: "exact" | "json" }
  | { readonly name: string; readonly kind: "fastlane"; readonly broadcast: Broadcast; readonly frame: Frame; readonly compare?: "exact" | "json" };
