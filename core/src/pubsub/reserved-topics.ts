import { FawkesError } from "../errors.js";

/**
 * Topics starting with `phx:` belong to the framework: between nodes, relay
 * messages travel through the PubSub adapter on them (the LongPoll relay
 * channel `lp:<node>` as `phx:lp:<node>`). No client may join one, whatever the
 * routes say (a `channel("*", ...)` route included: the join gets `{reason:
 * "unmatched topic"}`), no user-level broadcast may be sent to one
 * (`ERR_RESERVED_TOPIC`), and a topic subscription to one never receives
 * anything (the PubSub hands every reserved topic to the relay), so nothing a
 * client says can reach or imitate that traffic.
 */
export const RESERVED_TOPIC_PREFIX = "phx:";

/** True when `topic` is reserved for the framework (starts with `phx:`). */
export function isReservedTopic(topic: string): boolean {
  return topic.startsWith(RESERVED_TOPIC_PREFIX);
}

/** Throws `ERR_RESERVED_TOPIC` when `topic` is reserved. */
export function assertUserTopic(topic: string): void {
  if (typeof topic === "string" && isReservedTopic(topic)) {
    throw new FawkesError(
      "ERR_RESERVED_TOPIC",
      `topic ${JSON.stringify(topic.slice(0, 100))} is reserved: "${RESERVED_TOPIC_PREFIX}" topics carry the framework's node-to-node traffic`,
    );
  }
}
