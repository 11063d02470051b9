/**
 * Which Redis channel carries a topic's broadcasts. With one shard every topic
 * shares the channel `<prefix>`; with N shards a topic goes to `<prefix>:<i>`,
 * `i` being the 32-bit FNV-1a hash of the topic's UTF-16 code units modulo N, so
 * every node, whatever its language or version, picks the same channel.
 */
export class ChannelLayout {
  /** Every channel of the layout, in shard order; a node subscribes to all of them. */
  readonly channels: readonly string[];

  constructor(
    readonly prefix: string,
    readonly shards: number,
  ) {
    this.channels = shards === 1 ? [prefix] : Array.from({ length: shards }, (_, i) => `${prefix}:${i}`);
  }

  /** The channel that carries `topic`. */
  channelFor(topic: string): string {
    return this.shards === 1 ? this.channels[0]! : this.channels[topicShard(topic, this.shards)]!;
  }
}

/** The shard of `topic` among `shards`: FNV-1a (32-bit) over its UTF-16 code units, modulo `shards`. */
export function topicShard(topic: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    hash ^= topic.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
