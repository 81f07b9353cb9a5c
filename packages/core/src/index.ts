// core: what every stage shares, written once.
// First, so that a Node.js too old for the stages is refused before anything else runs.
import "./runtime.ts";
export { addressFromEnv, intSetting, urlOf } from "./config.ts";
export { StartupError, exitWithError, firstLine } from "./fatal.ts";
export { errorResponse, type Request } from "./http.ts";
export { take } from "./iter.ts";
export { TcpListener } from "./listener.ts";
export { log } from "./log.ts";
export { SupervisedThread, importJob, receiveJobs } from "./pool-thread.ts";
export { println } from "./println.ts";
export { connectionLimit, poolSize, sleepMs, wholeNumberSetting } from "./settings.ts";
export { shutdownSignal } from "./shutdown.ts";
export { TcpStream, UNKNOWN_PEER, serve, type MovedConnection, type ThreadPort } from "./stream.ts";
export * as thread from "./thread.ts";
