// Page entry: the official phoenix client with @fawkes/protobuf/client, over the browser's WebSocket.
import { Socket } from "phoenix";
import { protobufCodec } from "@fawkes/protobuf/client";
import { runScenario, type RunScenario } from "./scenario.js";

const run: RunScenario = (config) => {
  const { vsn, encode, decode } = protobufCodec();
  return runScenario(new Socket(config.endpoint, { vsn, encode, decode, timeout: 4000, reconnectAfterMs: () => 200 }), config);
};
(globalThis as { fawkesScenario?: RunScenario }).fawkesScenario = run;
