// The thread side of a Worker in the 2018 edition: the loop of its listing
// 20-24, which ends when the worker has taken `Message::Terminate`.
import { workerData } from "node:worker_threads";
import { importJob, println, receiveJobs, serve } from "core";

const { id, job } = workerData as { id: number; job: string };
const handleConnection = await importJob(job);

for await (const stream of receiveJobs()) {
  println(`Worker ${id} got a job; executing.`);
  await serve(stream, handleConnection);
}
println(`Worker ${id} was told to terminate.`);
