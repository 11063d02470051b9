import type { Transport } from "@fawkes/core";
import type { ClientConnectOutcome } from "../client-driver.js";
import type { FixtureServer } from "../fixture/fixture-server.js";
import type { SuiteAssertions } from "../test-fn.js";
import type { SuiteClient } from "./client.js";
import type { SuiteSerializer, TransportSuiteOptions } from "./options.js";

/** What a transport case gets: a fresh fixture server and ways to connect to it. */
export interface CaseEnv {
  readonly t: SuiteAssertions;
  readonly fixture: FixtureServer;
  readonly options: TransportSuiteOptions;
  readonly entry: SuiteSerializer;
  /** Whether the transport reports close codes. */
  readonly closeCodes: boolean;
  /** A raw connection attempt with this serializer's `vsn` plus `params`. */
  connect(params?: Record<string, string>, headers?: Record<string, string>): Promise<ClientConnectOutcome>;
  /** Connects (asserting success) and closes the client when the case ends. */
  client(params?: Record<string, string>): Promise<SuiteClient>;
  /** The per-frame receive timeout in use (scaled), ms. */
  readonly timeoutMs: number;
  /** `ms` times the suite's time scale (`FAWKES_TIMEOUT_SCALE`): use it for every wait. */
  scaled(ms: number): number;
  /** Runs `fn` once the case has ended, before the fixture closes (inside the process trap). */
  teardown(fn: () => void | Promise<void>): void;
}

/** One transport case, run once per serializer. */
export interface TransportCase {
  readonly name: string;
  /** A reason to skip for these options, or undefined to run. */
  skip?(options: TransportSuiteOptions, entry: SuiteSerializer): string | undefined;
  /** Fixture settings this case needs. */
  readonly fixture?: { readonly maxChannels?: number };
  /**
   * Run with no other case of the process at the same time, so a process-level
   * fault seen meanwhile can only be this case's (the fault cases set it).
   */
  readonly isolated?: boolean;
  /** The transport to serve instead of `options.transport()` (e.g. one from `options.faults`). */
  transport?(options: TransportSuiteOptions): Transport;
  run(env: CaseEnv): Promise<void>;
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes; returns whether it became true. */
export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Resolves with `promise`'s value, or `timedOut` after `ms`. */
export function within<T, U>(promise: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(timedOut), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** POSTs `body` as JSON to the fixture's control route `/fixture/<route>` (`disconnect`, `broadcast`, ...) and returns the answer. */
export function postControl(fixture: FixtureServer, route: string, body: unknown): Promise<Response> {
  return fetch(`${fixture.url}/fixture/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
