// Node side of the browser tests: gate on Chromium, bundle a page entry with esbuild,
// serve it from the same origin as a fixture endpoint, drive it with playwright-core.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import type { TestFn } from "ava";
import * as esbuild from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { Endpoint, silentLogger, type ConnectInfo, type Serializer, type Transport } from "@fawkes/core";
import { fixtureSocket, handleControlRequest } from "@fawkes/conformance";
import type { RunScenario, ScenarioConfig, ScenarioResult } from "./browser/scenario.js";

export const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
/** In CI the browser must be there (the test then fails without it); elsewhere the test may skip, saying why. */
export const mustRun = available || process.env.CI !== undefined;

/** The test title, or the title saying why it is skipped on this machine. */
export function browserTitle(title: string): string {
  return mustRun ? `browser (Chromium): ${title}` : `browser (Chromium): ${title} [skipped: ${CHROMIUM} not installed on this developer machine]`;
}

/** `test` where Chromium must run, `test.skip` on a developer machine without it. */
export function browserTest(test: TestFn): TestFn | TestFn["skip"] {
  return mustRun ? test : test.skip;
}

/**
 * One Chromium per test file, launched on first use and closed after the file's
 * tests (register with the file's `test`).
 */
export function sharedBrowser(test: TestFn): () => Promise<Browser> {
  let launching: Promise<Browser> | undefined;
  test.after.always(async () => {
    if (launching !== undefined) await (await launching.catch(() => undefined))?.close();
  });
  return () => {
    launching ??= chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      timeout: 15_000,
    });
    return launching;
  };
}

const bundles = new Map<string, Promise<string>>();

/**
 * Bundles `browser/<entry>.js` (compiled next to this file) for the browser with
 * esbuild: ESM, `platform: "browser"` (packages' `browser` fields honoured), nothing
 * else configured, so the bundle is what a user's plain esbuild setup would produce.
 */
export function bundlePage(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (bundle === undefined) {
    bundle = esbuild
      .build({
        entryPoints: [fileURLToPath(new URL(`./browser/${entry}.js`, import.meta.url))],
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        write: false,
        logLevel: "silent",
      })
      .then((result) => {
        const file = result.outputFiles[0];
        if (file === undefined) throw new Error(`esbuild produced no output for ${entry}`);
        return file.text;
      });
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** A fixture endpoint plus the test page, on one origin. */
export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What the socket's `connect` saw, one entry per connection, in order. */
  readonly connects: readonly Pick<ConnectInfo, "transport" | "uri" | "authToken">[];
  close(): Promise<void>;
}

/**
 * Starts the fixture socket at `/socket` with `transports` and `serializers`, the
 * fixture control routes, and the page (`/` loading `/bundle.js`), on 127.0.0.1:0.
 * The page and the socket share an origin, so the default origin check holds.
 */
export async function startPageServer(options: {
  transports: Record<string, Transport>;
  serializers: readonly Serializer[];
  bundle: string;
}): Promise<PageServer> {
  const html = `<!doctype html><meta charset="utf-8"><title>fawkes browser test</title><script type="module" src="/bundle.js"></script>`;
  const handler = fixtureSocket({ transports: options.transports, serializers: options.serializers });
  const connects: Pick<ConnectInfo, "transport" | "uri" | "authToken">[] = [];
  const connect = handler.connect.bind(handler);
  handler.connect = (params, socket, info) => {
    connects.push({ transport: info.transport, uri: info.uri, authToken: info.authToken });
    return connect(params, socket, info);
  };
  const endpoint = new Endpoint({ logger: silentLogger }).socket("/socket", handler);
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
      return;
    }
    if (req.method === "GET" && path === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(options.bundle);
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (!handleControlRequest(endpoint, req, res)) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await endpoint.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close() {
      closing ??= (async () => {
        await endpoint.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** A loaded test page and what it did on the network. */
export interface ScenarioPage {
  readonly page: Page;
  /** Uncaught page errors and console errors, in order. */
  readonly errors: string[];
  /** Paths (no query) of every HTTP request the page made after loading. */
  readonly requests: string[];
  /** Full URLs of every WebSocket the page opened. */
  readonly websockets: string[];
  run(config: ScenarioConfig): Promise<ScenarioResult>;
}

/**
 * Opens the page in a fresh context, waits for its bundle to install
 * `fawkesScenario`, and throws with the page's errors if it did not.
 */
export async function openScenarioPage(browser: Browser, server: PageServer, t: { teardown(fn: () => unknown): void }): Promise<ScenarioPage> {
  const context = await browser.newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const websockets: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.name}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
  });
  await page.goto(`${server.url}/`, { timeout: 10_000 });
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  page.on("websocket", (ws) => websockets.push(ws.url()));
  const ready = await page.evaluate(() => typeof (globalThis as { fawkesScenario?: unknown }).fawkesScenario === "function");
  if (!ready) throw new Error(`the page bundle did not load: ${errors.join(" | ") || "no error reported"}`);
  return {
    page,
    errors,
    requests,
    websockets,
    run: (config) => page.evaluate((c) => (globalThis as unknown as { fawkesScenario: RunScenario }).fawkesScenario(c), config),
  };
}
