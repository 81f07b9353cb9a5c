// Graceful shutdown and cleanup — listings 20-23 … 20-26 (2018 edition),
// 20-22 … 20-25 (2021), 21-22 … 21-25 (2024).
import { TcpListener, connectionLimit, exitWithError, poolSize, shutdownSignal, take } from "core";
import "./handle-connection.ts"; // loaded here too, so that a bad SLEEP_MS stops the server at start
import { ThreadPool } from "./lib.ts";

const TAKE = connectionLimit(); // the book's 2 connections; TAKE=0 for no limit
const built = ThreadPool.build(poolSize(), new URL("./handle-connection.ts", import.meta.url));
if (!built.ok) exitWithError(built.error.message);

// Ctrl+C or SIGTERM closes the listener, which ends the loop below as well.
await using listener = await TcpListener.bind({ signal: shutdownSignal() });
// Declared after the listener, so disposed before it, at the end of this
// file's scope, as Rust drops them: queued jobs are answered first.
await using pool = built.pool;

for await (const stream of take(listener.incoming(), TAKE)) {
  pool.execute(stream);
}

console.log("Shutting down.");
