// Spawning a thread for each request — listing 20-11 (2018 and 2021 editions), 21-11 (2024).
import { Worker } from "node:worker_threads";
import { TcpListener, firstLine, log } from "core";
import "./handle-connection.ts"; // loaded here too, so that a bad SLEEP_MS stops the server at start

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  // thread::spawn(|| handle_connection(stream)): a new thread, and the
  // connection itself moves into it. There is no limit on how many.
  const thread = new Worker(new URL("./thread.ts", import.meta.url));
  thread.on("error", (error) => log(`a connection's thread failed: ${firstLine(error)}`));
  stream.moveTo(thread);
}
