// The thread side of a Worker: the loop in the book's `Worker::new`, now
// ending when the channel is closed: listing 20-24 (2021 edition), 21-24
// (2024). The 2018 edition's loop ends on a `Message::Terminate` instead,
// 20-24 (2018 edition).
import { workerData } from "node:worker_threads";
import { importJob, println, receiveJobs, serve } from "core";

const { id, job } = workerData as { id: number; job: string };
const handleConnection = await importJob(job);

for await (const stream of receiveJobs()) {
  println(`Worker ${id} got a job; executing.`);
  await serve(stream, handleConnection);
}
println(`Worker ${id} disconnected; shutting down.`);
