/**
 * A fixture server in its own process, so a crash is observable: the conformance
 * fixture socket (and its `/fixture/*` control routes) served by sockjs only,
 * with the sockjs options given as JSON in argv[2]. Prints `listening <port>`;
 * SIGTERM closes the endpoint (clients get 1012) and exits 0. Any exception
 * that escapes kills the process with Node's default exit code 1.
 */
import { jsonV1, jsonV2 } from "@fawkes/json";
import { startFixtureServer } from "@fawkes/conformance/fixture";
import { sockjs, type SockJSOptions } from "@fawkes/sockjs";

const options = JSON.parse(process.argv[2] ?? "{}") as SockJSOptions;
const fixture = await startFixtureServer({
  transports: { sockjs: sockjs(options) },
  serializers: [jsonV2, jsonV1],
  logger: {
    debug() {},
    info() {},
    warn(message, fields) {
      process.stderr.write(`warn ${message} ${fields?.code ?? ""}\n`);
    },
    error(message, fields) {
      process.stderr.write(`error ${message} ${fields?.code ?? ""}\n`);
    },
  },
});
process.stdout.write(`listening ${fixture.port}\n`);
process.once("SIGTERM", () => {
  fixture.close().then(
    () => process.exit(0),
    () => process.exit(3),
  );
});
