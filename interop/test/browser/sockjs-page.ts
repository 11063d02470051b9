// Page entry: the official phoenix client with @fawkes/sockjs/client as its transport,
// forced onto the one sockjs-client sub-transport the test names.
import { Socket } from "phoenix";
import { sockjsTransport } from "@fawkes/sockjs/client";
import { runScenario, type RunScenario } from "./scenario.js";

const run: RunScenario = (config) => {
  const socket = new Socket(config.endpoint, {
    transport: sockjsTransport({ transports: [config.sockjsSubTransport ?? "xhr-streaming"] }),
    timeout: 4000,
    reconnectAfterMs: () => 200,
    ...(config.authToken === undefined ? {} : { authToken: config.authToken }),
  });
  return runScenario(socket, config);
};
(globalThis as { fawkesScenario?: RunScenario }).fawkesScenario = run;
