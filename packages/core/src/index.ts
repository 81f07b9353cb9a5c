// core: what every stage shares, written once.
export { addressFromEnv, intSetting, urlOf, DEFAULT_ADDRESS, type Address, type Env } from "./config.ts";
export { StartupError, exitWithError, firstLine } from "./fatal.ts";
export { HttpError, errorResponse, type Request } from "./http.ts";
export * as limits from "./limits.ts";
export { TcpListener, type BindOptions } from "./listener.ts";
export { TcpStream, serve, type StreamOptions } from "./stream.ts";
