import { FawkesError } from "../errors.js";
import { RateLimiter, resolveRateLimit, type RateLimit } from "./rate-limit.js";
import type { ConnectRefusal } from "../contracts/transport.js";

/** How many connections one node (endpoint) takes, and how fast. */
export interface AdmissionOptions {
  /**
   * Most open connections on this node, connections being decided included.
   * One more is refused with 503 `ERR_TOO_MANY_CONNECTIONS` (retry after 5 s).
   * Default 19,000: under a 20,000 open-files limit, with room for listeners,
   * Redis and files. Raise it with your `ulimit -n`.
   */
  readonly maxConnections?: number;
  /**
   * New connections per second on this node, a token bucket. Over it: 503
   * `ERR_CONNECT_RATE` (retry after 1 s), so a reconnect storm is served at
   * this pace instead of toppling the node. `false`: no limit. Default 2,000/s,
   * burst 4,000.
   */
  readonly connectRate?: RateLimit | false;
}

/** Default {@link AdmissionOptions.maxConnections}. */
export const DEFAULT_MAX_CONNECTIONS = 19_000;
/** Default {@link AdmissionOptions.connectRate}. */
export const DEFAULT_CONNECT_RATE: RateLimit = { perSecond: 2000, burst: 4000 };
/** `Retry-After` (seconds) when the node is full. */
const FULL_RETRY_AFTER_S = 5;
/** `Retry-After` (seconds) when connections come too fast. */
const RATE_RETRY_AFTER_S = 1;

/**
 * Admission control for one endpoint, checked before anything else of a
 * connection attempt (origin, serializer, the user's `connect`): refuses while
 * draining, when the node is full, or when connections come too fast, each
 * with status 503 and a `retryAfter` hint.
 */
export class Admission {
  readonly maxConnections: number;
  readonly connectRate: RateLimit | false;
  private readonly limiter: RateLimiter | undefined;
  private deciding = 0;
  private drainDeadline: number | undefined;

  constructor(
    options: AdmissionOptions,
    private readonly open: () => number,
  ) {
    const max = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (!Number.isInteger(max) || max < 1) throw new FawkesError("ERR_BAD_OPTION", `maxConnections must be a positive integer, got ${String(max)}`);
    this.maxConnections = max;
    this.connectRate = resolveRateLimit("connectRate", options.connectRate, DEFAULT_CONNECT_RATE);
    this.limiter = this.connectRate === false ? undefined : new RateLimiter(this.connectRate);
  }

  /** True once {@link startDraining} was called. */
  get draining(): boolean {
    return this.drainDeadline !== undefined;
  }

  /** Refuse every new connection from now on (until the endpoint closes); `deadline` is when the drain ends (ms, `Date.now()`). */
  startDraining(deadline: number): void {
    this.drainDeadline ??= deadline;
  }

  /**
   * A refusal, or the function to call once the attempt was decided (accepted
   * connections are counted as open from then on).
   */
  admit(): ConnectRefusal | (() => void) {
    if (this.drainDeadline !== undefined) {
      const retryAfter = Math.max(1, Math.ceil((this.drainDeadline - Date.now()) / 1000));
      return { ok: false, status: 503, code: "ERR_DRAINING", reason: "this node is draining", retryAfter };
    }
    if (this.open() + this.deciding >= this.maxConnections) {
      return { ok: false, status: 503, code: "ERR_TOO_MANY_CONNECTIONS", reason: "this node is full", retryAfter: FULL_RETRY_AFTER_S };
    }
    if (this.limiter !== undefined && this.limiter.take() !== "ok") {
      return { ok: false, status: 503, code: "ERR_CONNECT_RATE", reason: "too many new connections", retryAfter: RATE_RETRY_AFTER_S };
    }
    this.deciding++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.deciding--;
    };
  }
}
