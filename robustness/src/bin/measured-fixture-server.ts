#!/usr/bin/env node
/**
 * The fixture server with every built-in transport and serializer, as
 * `@fawkes/conformance`'s binary serves it, plus what a soak needs to measure it:
 * run it with `node --expose-gc` under `child_process.fork`, send it
 * `{type: "memory"}` and it answers `{type: "memory", memory: {heapUsed, rss,
 * external}}` after a full GC. The LongPoll window is 2 s (not 10 s) so
 * abandoned sessions end within 3 s and the heap settles quickly.
 *
 *     node --expose-gc robustness/dist/bin/measured-fixture-server.js --port 0
 */
import { parseArgs } from "node:util";
import { builtinSerializers, builtinTransports, startFixtureServer } from "@fawkes/conformance";
import { silentLogger } from "@fawkes/core";
import { longpoll } from "@fawkes/longpoll";

const { values } = parseArgs({ options: { port: { type: "string" } } });
const transports = { ...Object.fromEntries(Object.entries(builtinTransports).map(([name, make]) => [name, make()])), longpoll: longpoll({ window: 2000 }) };
const fixture = await startFixtureServer({ port: Number(values.port ?? 0), transports, serializers: builtinSerializers, logger: silentLogger });

process.on("message", (message: unknown) => {
  if ((message as { type?: string }).type !== "memory") return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, rss, external } = process.memoryUsage();
  process.send?.({ type: "memory", memory: { heapUsed, rss, external } });
});
process.once("SIGTERM", () => {
  fixture.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.stdout.write(`listening ${fixture.port}\n`);
