// The thread side of a Worker: the loop in the book's `Worker::new`, now
// ending when the channel is closed (listing 20-24 / 21-24). It takes one
// job at a time: the pool sends the next only after this thread is done.
import { parentPort, workerData } from "node:worker_threads";
import { TcpStream, serve, type MovedConnection } from "core";

const port = parentPort;
if (!port) throw new Error("worker.ts runs on a worker thread of the ThreadPool");
const { id, job } = workerData as { id: number; job: string };
const { handleConnection } = (await import(job)) as { handleConnection: (stream: TcpStream) => Promise<void> };

port.on("message", async (message: MovedConnection | "disconnect") => {
  if (message === "disconnect") {
    console.log(`Worker ${id} disconnected; shutting down.`);
    port.close(); // nothing is left to keep the thread running, so it exits
    return;
  }
  console.log(`Worker ${id} got a job; executing.`);
  await serve(new TcpStream(message), handleConnection);
  port.postMessage("done");
});
port.postMessage("ready");
