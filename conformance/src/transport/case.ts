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
}

/** One transport case, run once per serializer. */
export interface TransportCase {
  readonly name: string;
  /** A reason to skip for these options, or undefined to run. */
  skip?(options: TransportSuiteOptions, entry: SuiteSerializer): string | undefined;
  /** Fixture settings this case needs. */
  readonly fixture?: { readonly maxChannels?: number };
  run(env: CaseEnv): Promise<void>;
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes; returns the last result. */
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
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}
