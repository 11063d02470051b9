import { FawkesError } from "../errors.js";

/** A token-bucket limit: `perSecond` on average, up to `burst` at once. */
export interface RateLimit {
  /** Tokens added per second (the sustained rate). Positive. */
  readonly perSecond: number;
  /** Bucket size: how many may come at once after a quiet spell. At least 1. */
  readonly burst: number;
}

/** What a {@link RateLimiter} says about one more event. */
export type RateDecision =
  /** Within the limit. */
  | "ok"
  /** Over the limit: refuse this one, keep the connection. */
  | "refused"
  /** Still going after a further `burst` of refusals: end the connection. */
  | "exceeded";

/**
 * A token bucket with a debt: each event takes a token (`ok`); with the bucket
 * empty it is `refused` and adds one to a debt that pays itself off at the same
 * `perSecond`; once the debt passes `burst`, every further refusal is
 * `exceeded`. So a client that pauses gets its burst back, one that stays a
 * little over the rate is refused now and then, and one that sends a further
 * burst's worth while refused (sustained: more than twice the rate) is ended.
 */
export class RateLimiter {
  private tokens: number;
  private debt = 0;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = monotonicMs,
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }

  take(): RateDecision {
    const now = this.now();
    const earned = ((now - this.last) * this.limit.perSecond) / 1000;
    this.last = now;
    if (earned > 0) {
      this.tokens = Math.min(this.limit.burst, this.tokens + earned);
      this.debt = Math.max(0, this.debt - earned);
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "ok";
    }
    this.debt += 1;
    return this.debt > this.limit.burst ? "exceeded" : "refused";
  }
}

/** Milliseconds on a monotonic clock; one shared function, not one per limiter. */
function monotonicMs(): number {
  return performance.now();
}

/** `limit` checked, `false` (no limit) passed through, `undefined` replaced by `fallback`; throws `ERR_BAD_OPTION`. */
export function resolveRateLimit(name: string, limit: RateLimit | false | undefined, fallback: RateLimit): RateLimit | false {
  if (limit === false) return false;
  const value = limit ?? fallback;
  const { perSecond, burst } = (value ?? {}) as Partial<RateLimit>;
  if (typeof perSecond !== "number" || !Number.isFinite(perSecond) || perSecond <= 0) {
    throw new FawkesError("ERR_BAD_OPTION", `${name}.perSecond must be a positive number, got ${String(perSecond)}`);
  }
  if (typeof burst !== "number" || !Number.isFinite(burst) || burst < 1) {
    throw new FawkesError("ERR_BAD_OPTION", `${name}.burst must be a number of at least 1, got ${String(burst)}`);
  }
  return { perSecond, burst };
}
