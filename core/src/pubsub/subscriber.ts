import type { Broadcast, Serializer } from "../contracts/serializer.js";
import type { FastlaneCache } from "./fastlane-cache.js";

/** Anything subscribed to a topic: a joined channel, a socket id, a LongPoll session. */
export interface Subscriber {
  /**
   * The serializer whose fastlane frame `deliver` takes, if any. The PubSub
   * encodes each broadcast for every such serializer before it delivers to
   * anyone, so an unencodable broadcast reaches no subscriber and its caller
   * gets the error. Read once, when the subscriber subscribes.
   */
  readonly serializer?: Serializer | undefined;
  /** Called synchronously for each broadcast on a subscribed topic. Must not throw. */
  deliver(broadcast: Broadcast, lane: FastlaneCache): void;
}
