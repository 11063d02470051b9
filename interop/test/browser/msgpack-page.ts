// Page entry: the official phoenix client with @fawkes/msgpack/client, over the browser's WebSocket.
import { Socket } from "phoenix";
import { MSGPACK_VSN, encode, decode } from "@fawkes/msgpack/client";
import { runScenario, type RunScenario } from "./scenario.js";

const run: RunScenario = (config) =>
  runScenario(new Socket(config.endpoint, { vsn: MSGPACK_VSN, encode, decode, timeout: 4000, reconnectAfterMs: () => 200 }), config);
(globalThis as { fawkesScenario?: RunScenario }).fawkesScenario = run;
