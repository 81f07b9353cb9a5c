// Creating a finite number of threads — listings 20-12 … 20-22 (2018 edition),
// 20-12 … 20-21 (2021), 21-12 … 21-21 (2024).
import { TcpListener, exitWithError, poolSize } from "core";
import "./handle-connection.ts"; // loaded here too, so that a bad SLEEP_MS stops the server at start
import { ThreadPool } from "./lib.ts";

const built = ThreadPool.build(poolSize(), new URL("./handle-connection.ts", import.meta.url));
if (!built.ok) exitWithError(built.error.message);
const pool = built.pool;

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  pool.execute(stream);
}
