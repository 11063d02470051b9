#!/usr/bin/env node
/**
 * Serves the fixture socket with every built-in transport and serializer at
 * `/socket`, plus the control routes, and prints `listening <port>` when ready.
 * SIGTERM drains the endpoint (see `Endpoint.drain`), then exits 0; SIGINT
 * closes it at once (clients get 1012) and exits 0.
 *
 *     node conformance/dist/bin/fixture-server.js --port 4100 [--host 127.0.0.1] [--pubsub redis://...] [--node NAME]
 */
import { parseArgs } from "node:util";
import type { PubSubAdapter } from "@fawkes/core";
import { builtinSerializers, builtinTransports } from "../builtins.js";
import { startFixtureServer } from "../fixture/fixture-server.js";

function fail(message: string): never {
  process.stderr.write(`fixture-server: ${message}\n`);
  process.exit(2);
}

/** An error as one line, its stable `code` first when it has one (ERR_PUBSUB_UNAVAILABLE ...). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${error.message}` : error.message;
}

/** Resolves `--pubsub URL` to an adapter, or exits with a clear message. */
async function pubsubAdapter(url: string): Promise<PubSubAdapter> {
  if (!/^rediss?:\/\//.test(url)) fail(`--pubsub ${JSON.stringify(url)}: only redis:// URLs are understood`);
  const name = "@fawkes/redis";
  let module: Record<string, unknown>;
  try {
    module = (await import(name)) as Record<string, unknown>;
  } catch {
    fail(`--pubsub ${url} needs the Redis adapter package ${name}, which is not installed in this build`);
  }
  const factory = module.redisPubSub;
  if (typeof factory !== "function") fail(`${name} does not export redisPubSub(options)`);
  // The node name reaches the adapter through the endpoint (`start(node, ...)`).
  try {
    return (factory as (options: { url: string }) => PubSubAdapter)({ url });
  } catch (error) {
    fail(`--pubsub ${url}: ${describe(error)}`);
  }
}

async function main(): Promise<void> {
  let values: { port?: string; host?: string; pubsub?: string; node?: string };
  try {
    ({ values } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" }, pubsub: { type: "string" }, node: { type: "string" } } }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\nusage: fixture-server --port N [--host H] [--pubsub redis://...] [--node NAME]`);
  }
  const port = values.port === undefined ? 4100 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${JSON.stringify(values.port)} is not a port number`);
  const pubsub = values.pubsub === undefined ? undefined : await pubsubAdapter(values.pubsub);
  const transports = Object.fromEntries(Object.entries(builtinTransports).map(([name, make]) => [name, make()]));
  const fixture = await startFixtureServer({
    port,
    host: values.host ?? "127.0.0.1",
    transports,
    serializers: builtinSerializers,
    ...(pubsub === undefined ? {} : { pubsub }),
    ...(values.node === undefined ? {} : { node: values.node }),
  }).catch((error: unknown) => fail(`cannot start: ${describe(error)}`));
  process.stdout.write(`listening ${fixture.port}\n`);
  // SIGTERM drains (clients get 1012 in batches, spread so they do not return
  // at once), then closes and exits 0; SIGINT, or a second signal, closes now.
  let stopping = false;
  const close = (): void => {
    fixture.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => {
    if (stopping) {
      close();
      return;
    }
    stopping = true;
    fixture.endpoint.drain().then(close, close);
  });
  process.once("SIGINT", () => {
    stopping = true;
    close();
  });
}

await main();
