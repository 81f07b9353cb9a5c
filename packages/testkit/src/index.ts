export { HAS_PROC, expectRefusedAtStart, runToExit, startStage, stageDirOf, useStage, within, type Finished, type RunningStage } from "./stage.ts";
export { connect, exchange, get, parseResponse, readToClose, type Reply, type Response } from "./client.ts";
export { describeRobustness } from "./robustness.ts";
export { describeRouting, describeRoutingStage, describeServing, type ServingOptions } from "./routing.ts";
export { LONG_SLEEP_MS, slowAndFast, startGet, type InFlight, type SlowAndFast } from "./slow.ts";
export type { Route } from "./routing.ts";
export { describeThreadPool, type Pool, type PoolLibrary } from "./pool.ts";
export { describeRealClients, type RealClientsOptions } from "./real-clients.ts";
