import type { Broadcast, Frame, Serializer } from "../contracts/serializer.js";

/**
 * Encodes one broadcast at most once per serializer. Every subscriber using the
 * same serializer receives the very same frame object ("fastlane").
 */
export class FastlaneCache {
  private serializers: Serializer[] = [];
  private frames: Frame[] = [];

  constructor(readonly broadcast: Broadcast) {}

  frameFor(serializer: Serializer): Frame {
    const s = this.serializers;
    for (let i = 0; i < s.length; i++) if (s[i] === serializer) return this.frames[i]!;
    const frame = serializer.fastlane(this.broadcast);
    s.push(serializer);
    this.frames.push(frame);
    return frame;
  }
}
