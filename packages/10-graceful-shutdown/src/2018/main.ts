// Graceful shutdown as the 2018 edition and the Russian print have it:
// their listings 20-23 … 20-26. The requests are handled as in ../main.ts.
import { TcpListener, connectionLimit, poolSize, shutdownSignal, take } from "core";
import "../handle-connection.ts"; // loaded here too, so that a bad SLEEP_MS stops the server at start
import { ThreadPool } from "./lib.ts";

const TAKE = connectionLimit(); // the book's 2 connections; TAKE=0 for no limit
const threadPool = new ThreadPool(poolSize(), new URL("../handle-connection.ts", import.meta.url));

// Ctrl+C or SIGTERM closes the listener, which ends the loop below as well.
await using listener = await TcpListener.bind({ signal: shutdownSignal() });
// Declared after the listener, so dropped before it, at the end of this
// file's scope, as Rust drops them: queued jobs are answered first.
await using pool = threadPool;

for await (const stream of take(listener.incoming(), TAKE)) {
  pool.execute(stream);
}

console.log("Shutting down.");
