import { FawkesError } from "./errors.js";

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
 */
export class ChannelRouter<T> {
  private readonly exact = new Map<string, { route: Route<T>; order: number }>();
  private readonly prefixes: { prefix: string; route: Route<T>; order: number }[] = [];
  private count = 0;

  add(pattern: string, target: T, via?: readonly string[]): void {
    if (typeof pattern !== "string" || pattern === "") {
      throw new FawkesError("ERR_BAD_PATTERN", "a channel pattern must be a non-empty string");
    }
    const star = pattern.indexOf("*");
    if (star !== -1 && star !== pattern.length - 1) {
      throw new FawkesError("ERR_BAD_PATTERN", `channel pattern ${JSON.stringify(pattern)}: "*" is only allowed as the last character`);
    }
    const route: Route<T> = { pattern, target, via: via === undefined ? undefined : new Set(via) };
    const order = this.count++;
    if (star === -1) {
      if (!this.exact.has(pattern)) this.exact.set(pattern, { route, order });
    } else {
      this.prefixes.push({ prefix: pattern.slice(0, -1), route, order });
    }
  }

  /** The first route matching `topic`, or undefined. */
  match(topic: string): Route<T> | undefined {
    const exact = this.exact.get(topic);
    const limit = exact === undefined ? Infinity : exact.order;
    for (const p of this.prefixes) {
      if (p.order > limit) break;
      if (topic.startsWith(p.prefix)) return p.route;
    }
    return exact?.route;
  }
}
