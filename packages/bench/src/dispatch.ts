// Scenario 4: pool dispatch. dispatch-run.ts does the work in a process of
// its own, so that the pool's worker threads (which print a line for each
// job, as the book's do) neither flood the bench's output nor share its
// event loop; it leaves its result in a file. Its standard output goes to a
// file too, as a server's log would: read through a pipe, those lines woke
// this process thousands of times while the ThreadPool's batches were timed,
// on the cores the two pools share, and Piscina's batches print nothing.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runToExit } from "testkit/process";
import { mb, perSecond, times, whole } from "./format.ts";
import type { WorkerHeaps } from "./heaps.ts";
import { progress, workersLine } from "./progress.ts";
import type { Settings } from "./settings.ts";

interface PoolRun {
  readonly jobs: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface Dispatch {
  readonly threads: number;
  readonly threadPool: PoolRun;
  readonly piscina: PoolRun;
  /** ThreadPool's jobs per second over Piscina's; their batches take turns (A B A B …). */
  readonly ratio: number;
  /** Peak V8 heaps in use of the dispatch process's main thread (which serves both pools) and of each pool's worker threads, in MB. */
  readonly heaps: { readonly mainMb: number; readonly threadPool: WorkerHeaps; readonly piscina: WorkerHeaps };
}

const LIMIT_MS = 60_000;

export async function dispatch(settings: Settings): Promise<Dispatch> {
  progress(
    `pool dispatch · ${whole(settings.jobs)} no-op jobs each through ThreadPool and Piscina, ${settings.threads} threads`,
  );
  const folder = mkdtempSync(join(tmpdir(), "bench-dispatch-"));
  try {
    const resultFile = join(folder, "result.json");
    const stdoutFile = join(folder, "stdout.txt");
    const run = await runToExit(
      fileURLToPath(new URL("..", import.meta.url)),
      "src/dispatch-run.ts",
      {
        BENCH_JOBS: String(settings.jobs),
        BENCH_BATCH: String(settings.batch),
        BENCH_THREADS: String(settings.threads),
        BENCH_LIMIT_MS: String(LIMIT_MS),
        BENCH_RESULT: resultFile,
      },
      LIMIT_MS + 30_000,
      stdoutFile,
    );
    if (run.code !== 0) throw new Error(`the dispatch run failed (exit ${run.code}):\n${run.stderr}`);
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as Dispatch;
    // The line is part of the ThreadPool's job: check that every job printed it.
    const lines = readFileSync(stdoutFile, "utf8").split("\n");
    const printed = lines.filter((line) => line.endsWith(" got a job; executing.")).length;
    if (printed < result.threadPool.jobs) {
      throw new Error(`the ThreadPool ran ${result.threadPool.jobs} jobs but printed ${printed} job lines`);
    }
    const rate = (pool: PoolRun): string => perSecond(pool.perSecond, "jobs/s");
    progress(
      `pool dispatch · ThreadPool ${rate(result.threadPool)}, Piscina ${rate(result.piscina)}: ${times(result.ratio)}`,
    );
    const { heaps } = result;
    progress(
      `pool dispatch · V8 heap in use: main thread ${mb(heaps.mainMb)}; ThreadPool ${workersLine(heaps.threadPool)}; Piscina ${workersLine(heaps.piscina)}`,
    );
    return result;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
