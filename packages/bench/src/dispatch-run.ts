// Scenario 4, which dispatch.ts runs in a process of its own (the ThreadPool's
// workers print a line for every job, as the book's do): no-op jobs per
// second through this project's ThreadPool (stage 10's) and through
// Piscina, with the same number of threads and the same job. A job here is
// what the pool's jobs always are, a connection moved to a worker thread;
// the connections of a batch are opened before the clock starts, and a
// batch is done when every client has seen its connection closed. The V8
// heaps of this process's main thread and of each pool's worker threads
// are watched meanwhile (heaps.ts), a Worker being Piscina's if it is in
// `piscina.threads`, the ThreadPool's otherwise.
import { writeFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { connect, createServer, type Socket } from "node:net";
import { Piscina } from "piscina";
import { TcpStream, intSetting, type ThreadPort } from "core";
import { ThreadPool } from "10-graceful-shutdown/src/lib.ts";
import { megabytes } from "./stats.ts";
import { watchHeaps, workerHeaps } from "./heaps.ts";

const JOBS = intSetting(process.env, "BENCH_JOBS", 10_000, { min: 1, max: 50_000 });
const BATCH = intSetting(process.env, "BENCH_BATCH", 500, { min: 1, max: 2_000 });
const THREADS = intSetting(process.env, "BENCH_THREADS", 4, { min: 1, max: 64 });
const LIMIT_MS = intSetting(process.env, "BENCH_LIMIT_MS", 60_000, { min: 1_000, max: 600_000 });
const RESULT = process.env.BENCH_RESULT;
if (!RESULT) throw new Error("BENCH_RESULT must name the file for the result");

const NOOP_JOB = new URL("./noop-job.ts", import.meta.url);

// Connections come from a listener on 127.0.0.1, paused as core's are.
const accepted: Socket[] = [];
const server = createServer({ pauseOnConnect: true }, (socket) => accepted.push(socket));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as { port: number };

/** Open `count` connections; resolve with the server's ends and a promise of every client end closing. */
async function openBatch(count: number): Promise<{ sockets: Socket[]; closed: Promise<unknown> }> {
  const closings: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const client = connect(port, "127.0.0.1");
    client.on("error", () => {}); // a reset ends it as well as a close
    closings.push(new Promise((resolve) => client.once("close", () => resolve())));
  }
  while (accepted.length < count) await new Promise((resolve) => setImmediate(resolve));
  return { sockets: accepted.splice(0, count), closed: Promise.all(closings) };
}

type Dispatch = (stream: TcpStream) => void;

/** Seconds taken to dispatch one batch and see every connection closed by its job. */
async function timeBatch(count: number, dispatch: Dispatch): Promise<number> {
  const { sockets, closed } = await openBatch(count);
  const started = performance.now();
  for (const socket of sockets) dispatch(new TcpStream(socket));
  await closed;
  return (performance.now() - started) / 1000;
}

// Watching before the pools exist, so that it sees every worker thread they create.
let piscinaThreads = (): readonly Worker[] => [];
const heaps = watchHeaps({ groupOf: (worker) => (piscinaThreads().includes(worker) ? "piscina" : "threadPool") });
await using pool = new ThreadPool(THREADS, NOOP_JOB);
const piscina = new Piscina({
  filename: new URL("./piscina-job.ts", import.meta.url).href,
  minThreads: THREADS,
  maxThreads: THREADS,
  atomics: "async",
});
piscinaThreads = () => piscina.threads;
// The connection moves to Piscina the way it moves to a ThreadPool worker,
// through TcpStream.moveTo; Piscina's types, like Node's, do not list a
// net.Socket among the transferable objects yet, hence the cast.
const toPiscina: ThreadPort = {
  postMessage: (message, transfer) => {
    piscina
      .run(message, { transferList: transfer as never })
      .catch((error: unknown) => console.error(`piscina: ${String(error)}`));
  },
};
const pools: Record<"threadPool" | "piscina", Dispatch> = {
  threadPool: (stream) => pool.execute(stream),
  piscina: (stream) => stream.moveTo(toPiscina),
};

// One untimed batch each, so that every thread has started and loaded the job.
for (const dispatch of Object.values(pools)) await timeBatch(Math.min(BATCH, 4 * THREADS), dispatch);

const seconds = { threadPool: [] as number[], piscina: [] as number[] };
const sizes: number[] = [];
const deadline = performance.now() + LIMIT_MS;
for (let done = 0; done < JOBS && performance.now() < deadline; ) {
  const count = Math.min(BATCH, JOBS - done);
  sizes.push(count);
  // A B, then B A: neither pool always goes first.
  const order = sizes.length % 2 === 1 ? (["threadPool", "piscina"] as const) : (["piscina", "threadPool"] as const);
  for (const name of order) seconds[name].push(await timeBatch(count, pools[name]));
  done += count;
}

const summary = (times: number[]) => {
  const jobs = sizes.reduce((sum, size) => sum + size, 0);
  const total = times.reduce((sum, time) => sum + time, 0);
  return { jobs, seconds: total, perSecond: jobs / total };
};
const ours = summary(seconds.threadPool);
const theirs = summary(seconds.piscina);
const peaks = await heaps.sample();
heaps.stop();
const result = {
  threads: THREADS,
  threadPool: ours,
  piscina: theirs,
  ratio: ours.perSecond / theirs.perSecond,
  heaps: {
    mainMb: megabytes(peaks.mainBytes, 1),
    threadPool: workerHeaps(peaks, "threadPool"),
    piscina: workerHeaps(peaks, "piscina"),
  },
};
writeFileSync(RESULT, JSON.stringify(result));
await piscina.destroy();
server.close();
