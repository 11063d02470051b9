import { FawkesError } from "../errors.js";

/** A route from topic pattern to channel, with the transports allowed to reach it. */
export interface Route<T> {
  readonly pattern: string;
  readonly target: T;
  /** Transport names allowed; undefined = all. */
  readonly via: ReadonlySet<string> | undefined;
}

/**
 * Maps topics to routes. Exact patterns (`"room:lobby"`) and trailing-splat
 * patterns (`"room:*"`, `"*"`) are tried in the order they were added; the first
 * match wins, as in Phoenix. A `*` anywhere but the end is a startup error.
 *
 * Matching costs one map lookup for the exact patterns plus one per distinct
 * splat-prefix length (usually one or two), however many routes there are.
 */
export class ChannelRouter<T> {
  private readonly exact = new Map<string, Entry<T>>();
  /** Splat routes by prefix (the pattern without its `*`); the first added wins. */
  private readonly splats = new Map<string, Entry<T>>();
  /** Distinct splat-prefix lengths, ascending. */
  private lengths: number[] = [];
  private count = 0;

  add(pattern: string, target: T, via?: readonly string[]): void {
    if (typeof pattern !== "string" || pattern === "") {
      throw new FawkesError("ERR_BAD_PATTERN", "a channel pattern must be a non-empty string");
    }
    const star = pattern.indexOf("*");
    if (star !== -1 && star !== pattern.length - 1) {
      throw new FawkesError("ERR_BAD_PATTERN", `channel pattern ${JSON.stringify(pattern)}: "*" is only allowed as the last character`);
    }
    const entry: Entry<T> = { route: { pattern, target, via: via === undefined ? undefined : new Set(via) }, order: this.count++ };
    const table = star === -1 ? this.exact : this.splats;
    const key = star === -1 ? pattern : pattern.slice(0, -1);
    if (table.has(key)) return; // an identical earlier pattern always matches first
    table.set(key, entry);
    if (star !== -1 && !this.lengths.includes(key.length)) this.lengths = [...this.lengths, key.length].sort((a, b) => a - b);
  }

  /** The first route matching `topic`, or undefined. */
  match(topic: string): Route<T> | undefined {
    let best = this.exact.get(topic);
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      if (length > topic.length) break;
      const splat = this.splats.get(length === topic.length ? topic : topic.slice(0, length));
      if (splat !== undefined && (best === undefined || splat.order < best.order)) best = splat;
    }
    return best?.route;
  }
}

interface Entry<T> {
  readonly route: Route<T>;
  readonly order: number;
}
