import type { ChannelServer } from "../channel/channel-server.js";

/**
 * The joined channels of one connection, by topic. Most connections join one
 * channel, so the first lives in two fields and a `Map` is made only for more:
 * at 100k connections the difference is a few megabytes.
 */
export class ChannelTable {
  private soloTopic: string | null = null;
  private solo: ChannelServer | null = null;
  private more: Map<string, ChannelServer> | null = null;

  get size(): number {
    return (this.solo === null ? 0 : 1) + (this.more?.size ?? 0);
  }

  get(topic: string): ChannelServer | undefined {
    if (topic === this.soloTopic) return this.solo ?? undefined;
    return this.more?.get(topic);
  }

  set(topic: string, server: ChannelServer): void {
    if (this.solo === null || topic === this.soloTopic) {
      if (this.more?.has(topic)) {
        this.more.set(topic, server);
        return;
      }
      this.soloTopic = topic;
      this.solo = server;
      return;
    }
    (this.more ??= new Map()).set(topic, server);
  }

  delete(topic: string): void {
    if (topic === this.soloTopic) {
      this.soloTopic = null;
      this.solo = null;
      return;
    }
    this.more?.delete(topic);
  }

  /** A snapshot of every channel. */
  values(): ChannelServer[] {
    const all = this.more === null ? [] : [...this.more.values()];
    if (this.solo !== null) all.push(this.solo);
    return all;
  }

  clear(): void {
    this.soloTopic = null;
    this.solo = null;
    this.more = null;
  }
}
