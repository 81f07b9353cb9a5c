// The thread side of a Worker: the loop in the book's `Worker::new`
// (listing 20-20 in the 2018 and 2021 editions, 21-20 in the 2024), one job
// at a time. The 2018 edition's loop runs the job with `job.call_box()`, its
// `FnBox` workaround of 20-21 (2018 edition); there is no closure to call here.
import { workerData } from "node:worker_threads";
import { importJob, println, receiveJobs, serve } from "core";

const { id, job } = workerData as { id: number; job: string };
const handleConnection = await importJob(job);

for await (const stream of receiveJobs()) {
  println(`Worker ${id} got a job; executing.`);
  await serve(stream, handleConnection);
}
