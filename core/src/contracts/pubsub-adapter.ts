import type { Broadcast } from "./serializer.js";

/**
 * Moves broadcasts between nodes (Redis, NATS, ...). The local PubSub hands every
 * broadcast to `publish` and calls no subscriber for it twice: an adapter must not
 * echo a node's own broadcasts back to it.
 *
 * Node-to-node relay messages (`NodeRelay`) travel through the same
 * adapter, each as a broadcast on the reserved topic `phx:<relay channel>` (see
 * `relayTopic`); an adapter carries them like any other broadcast. The
 * receiving PubSub takes every reserved topic out of the channel topics before
 * any subscriber sees it, so they reach relay handlers only.
 */
export interface PubSubAdapter {
  /** Start; `deliver` must be called with every broadcast published by other nodes. */
  start(node: string, deliver: (broadcast: Broadcast) => void): Promise<void>;
  /** Send a broadcast to every other node. Must not throw; failures are logged. */
  publish(broadcast: Broadcast): void;
  close(): Promise<void>;
}
