// The thread side of a Worker: the loop in the book's `Worker::new`
// (listing 20-20 / 21-20). It takes one job at a time: the pool sends the
// next connection only after this thread has said it is done.
import { parentPort, workerData } from "node:worker_threads";
import { TcpStream, serve, type MovedConnection } from "core";

const port = parentPort;
if (!port) throw new Error("worker.ts runs on a worker thread of the ThreadPool");
const { id, job } = workerData as { id: number; job: string };
const { handleConnection } = (await import(job)) as { handleConnection: (stream: TcpStream) => Promise<void> };

port.on("message", async (connection: MovedConnection) => {
  console.log(`Worker ${id} got a job; executing.`);
  await serve(new TcpStream(connection), handleConnection);
  port.postMessage("done");
});
port.postMessage("ready");
