// Page entry (control case): the official phoenix client with its own JSON V2 codec.
import { Socket } from "phoenix";
import { runScenario, type RunScenario } from "./scenario.js";

const run: RunScenario = (config) => runScenario(new Socket(config.endpoint, { timeout: 4000, reconnectAfterMs: () => 200 }), config);
(globalThis as { fawkesScenario?: RunScenario }).fawkesScenario = run;
