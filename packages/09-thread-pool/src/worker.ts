// The thread side of a Worker: the loop in the book's `Worker::new`
// (listing 20-20 / 21-20), one job at a time.
import { workerData } from "node:worker_threads";
import { importJob, println, receiveJobs, serve } from "core";

const { id, job } = workerData as { id: number; job: string };
const handleConnection = await importJob(job);

for await (const stream of receiveJobs()) {
  println(`Worker ${id} got a job; executing.`);
  await serve(stream, handleConnection);
}
