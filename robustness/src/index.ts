/**
 * @fawkes/robustness (private): the harness behind the fuzz and soak tests.
 *
 * ```ts
 * const server = await startFixtureProcess();           // a child process: a crash is an exit
 * const bystander = await Bystander.start(server.url);  // must keep being served
 * // ... attack server.url ...
 * const report = await bystander.stop();                // report.missing must be empty
 * await server.stop();
 * ```
 */
export { startFixtureProcess, type FixtureProcess, type FixtureProcessOptions, type MemoryReport } from "./fixture-process.js";
export { Bystander, type BystanderReport } from "./bystander.js";
export { httpRequest, fixtureBroadcast, type HttpReply } from "./http-json.js";
export { wsProbe, type WsOutcome, type WsProbeOptions, type RawMessage } from "./ws-probe.js";
export { rawUpgrade, type UpgradeAnswer } from "./raw-upgrade.js";
export { WIRE_CODECS, heartbeat, type WireCodec } from "./wire-codecs.js";
export { fuzzRuns, longFuzz } from "./fuzz-runs.js";
export { longPollOpen, longPollPost, longPollUntil, type LongPollAnswer, type TokenPlacement } from "./longpoll-exchange.js";
export { SockJSXhrSession, readSockJSFrame } from "./sockjs-exchange.js";
export { DeliveryLedger, type DeliveryAudit } from "./soak/delivery-ledger.js";
export { runVisit, SOAK_TRANSPORTS, type SoakVisit, type SoakTransport, type VisitOutcome, type VisitReport } from "./soak/soak-client.js";
export { runSoak, type SoakPlan, type SoakResult } from "./soak/soak-run.js";
export { ANSWER_TIMEOUT_MS } from "./answer-timeout.js";
