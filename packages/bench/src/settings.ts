// How long and how hard `pnpm bench` runs. Every load is bounded in time
// (and autocannon's requests in count); BENCH_SMOKE=1 is the short run CI does.
import { intSetting } from "core";

export interface Settings {
  readonly smoke: boolean;
  /** Seconds of load in each measurement window. */
  readonly seconds: number;
  /** Seconds of load before measuring, not recorded. */
  readonly warmupSeconds: number;
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
  return {
    smoke,
    seconds: intSetting(env, "BENCH_SECONDS", smoke ? 1 : 3, { min: 1, max: 60 }),
    warmupSeconds: smoke ? 0.3 : 1,
    rounds: intSetting(env, "BENCH_ROUNDS", smoke ? 1 : 3, { min: 1, max: 20 }),
    connections: intSetting(env, "BENCH_CONNECTIONS", 10, { min: 1, max: 200 }),
    threadConnections: smoke ? 4 : 32,
    sleepMs: smoke ? 100 : 250,
    sleepers: 3,
    costRuns: smoke ? 2 : 10,
    costThreads: smoke ? 2 : 20,
    jobs: intSetting(env, "BENCH_JOBS", smoke ? 40 : 10_000, { min: 10, max: 50_000 }),
    batch: smoke ? 20 : 500,
    threads: 4,
  };
}
