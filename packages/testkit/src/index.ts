export {
  HAS_PROC,
  expectRefusedAtStart,
  runToExit,
  startStage,
  stageDirOf,
  useStage,
  within,
  type RunningStage,
} from "./stage.ts";
export { connect, exchange, get, listening, parseResponse, readToClose, type Reply, type Response } from "./client.ts";
export { describeRobustness } from "./robustness.ts";
export { describeRoutingStage, describeServing } from "./routing.ts";
export { LONG_SLEEP_MS, slowAndFast, startGet, type InFlight } from "./slow.ts";
export { describeThreadPool } from "./pool.ts";
export { describeRealClients } from "./real-clients.ts";
export { untilUnread } from "./unread.ts";
export * from "./claims/index.ts";
export { describeBookClaims } from "./book-claims.ts";
