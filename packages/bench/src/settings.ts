// How long and how hard `pnpm bench` runs. Every load is bounded in time
// and in count; BENCH_SMOKE=1 is the short run of the package's test.
import { intSetting } from "core";

/**
 * How one load is bounded. The full run measures time windows. The smoke run
 * (the package's test) asks for a number of requests instead, so that it
 * checks what the servers do (every request answered), not how many requests
 * fit in a second of a machine that may be busy; its time cap is a safety
 * net that only a server that stops answering reaches.
 */
export type Span = { readonly seconds: number } | { readonly requests: number; readonly capSeconds: number };

/** The span of each kind of load. */
interface Spans {
  /** Load before measuring, not recorded. */
  readonly warmup: Span;
  /** One throughput measurement, `connections` clients. */
  readonly throughput: Span;
  /** `GET /` from one client, alone or during /sleep load. */
  readonly get: Span;
  /** The clients that keep requesting /sleep meanwhile (a timed run starts them first and lets them go on longer). */
  readonly sleeps: Span;
  /** The burst of clients of the cost-of-a-thread run. */
  readonly burst: Span;
}

/** The smoke run's cap on each load, far above what a working server needs even on a busy machine. */
const SMOKE_CAP_SECONDS = 60;

export interface Settings {
  readonly smoke: boolean;
  /** Seconds of load in each measurement window (full run). */
  readonly seconds: number;
  /** Seconds of load before measuring, not recorded (full run). */
  readonly warmupSeconds: number;
  /** What bounds each load: the windows above, or in a smoke run a number of requests. */
  readonly spans: Spans;
  /** Rounds of the interleaved comparisons (A B A B …). */
  readonly rounds: number;
  /** Concurrent clients in the throughput runs, each with one connection per request. */
  readonly connections: number;
  /** Concurrent clients in the cost-of-a-thread run, where stage 08 starts a thread for each. */
  readonly threadConnections: number;
  /** SLEEP_MS given to the stages in the head-of-line run. */
  readonly sleepMs: number;
  /** Clients that keep requesting /sleep in the head-of-line run. */
  readonly sleepers: number;
  /** Runs and idle threads for stage 08's `cost` script. */
  readonly costRuns: number;
  readonly costThreads: number;
  /** No-op jobs given to each pool, in batches of `batch` connections. */
  readonly jobs: number;
  readonly batch: number;
  /** Threads in each pool (the stages' default POOL_SIZE). */
  readonly threads: number;
}

export function benchSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const smoke = intSetting(env, "BENCH_SMOKE", 0, { min: 0, max: 1 }) === 1;
  const seconds = intSetting(env, "BENCH_SECONDS", 3, { min: 1, max: 60 });
  const warmupSeconds = 1;
  const connections = intSetting(env, "BENCH_CONNECTIONS", 10, { min: 1, max: 200 });
  const threadConnections = smoke ? 4 : 32;
  const sleepMs = smoke ? 100 : 250;
  const sleepers = 3;
  // A count of requests is at least one per client: each client takes its share.
  const count = (requests: number): Span => ({ requests, capSeconds: SMOKE_CAP_SECONDS });
  const spans: Spans = smoke
    ? {
        warmup: count(Math.max(10, connections)),
        throughput: count(Math.max(20, connections)),
        get: count(10),
        sleeps: count(2 * sleepers),
        burst: count(5 * threadConnections),
      }
    : {
        warmup: { seconds: warmupSeconds },
        throughput: { seconds },
        get: { seconds },
        sleeps: { seconds: seconds + Math.ceil((3 * sleepMs) / 1000) },
        burst: { seconds },
      };
  return {
    smoke,
    seconds,
    warmupSeconds,
    spans,
    rounds: intSetting(env, "BENCH_ROUNDS", smoke ? 1 : 3, { min: 1, max: 20 }),
    connections,
    threadConnections,
    sleepMs,
    sleepers,
    costRuns: smoke ? 2 : 10,
    costThreads: smoke ? 2 : 20,
    jobs: intSetting(env, "BENCH_JOBS", smoke ? 40 : 10_000, { min: 10, max: 50_000 }),
    batch: smoke ? 20 : 500,
    threads: 4,
  };
}
