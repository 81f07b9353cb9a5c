// Scenario 3: the cost of a thread. Stage 08's own `cost` script times the
// start of one worker thread and weighs idle ones; then stage 08 (a thread
// per connection) and stage 09 (a pool of 4) take the same burst of
// concurrent clients, in turn, while the bench counts their threads.
import { HAS_PROC, runToExit } from "testkit/process";
import type { ServerHeaps } from "./heaps.ts";
import { failures, load, type LoadResult } from "./load.ts";
import { describe, memoryLine, progress } from "./progress.ts";
import { stageDir, startServer, stopAll, type Server, type StageName } from "./servers.ts";
import type { Settings } from "./settings.ts";
import { median, megabytes } from "./stats.ts";

export interface ThreadCost {
  /** Median time to start one worker thread ready to handle a connection. */
  readonly startMs: number;
  /** Memory each idle thread holds, in MB. */
  readonly mbPerThread: number;
  readonly rows: readonly BurstRow[];
}

interface BurstRow {
  readonly stage: StageName;
  readonly connections: number;
  readonly rounds: readonly LoadResult[];
  readonly perSecond: number;
  /** The most worker threads the process had at once; null where there is no /proc to count them in. */
  readonly maxThreads: number | null;
  /** Peak resident memory of the server process, in MB; null where there is no /proc. */
  readonly peakRssMb: number | null;
  /** Peak V8 heaps in use of its main thread and worker threads (heap-probe.ts); null if the probe left none. */
  readonly heaps: ServerHeaps | null;
}

const STAGES: readonly StageName[] = ["08-thread-per-request", "09-thread-pool"];
const SAMPLE_EVERY_MS = 50;
/** Responses also trigger a count (08's threads live only as long as their connection), at most this often. */
const SAMPLE_ON_RESPONSE_EVERY_MS = 10;

export async function threadCost(settings: Settings): Promise<ThreadCost> {
  progress(
    `cost of a thread · pnpm --filter 08-thread-per-request cost (RUNS=${settings.costRuns} THREADS=${settings.costThreads})`,
  );
  const cost = await runToExit(
    stageDir("08-thread-per-request"),
    "src/cost.ts",
    { RUNS: String(settings.costRuns), THREADS: String(settings.costThreads) },
    60_000,
  );
  const startMs = Number(/took ([\d.]+) ms/.exec(cost.stdout)?.[1]);
  const mbPerThread = Number(/\(([\d.]+) MB each\)/.exec(cost.stdout)?.[1]);
  if (cost.code !== 0 || Number.isNaN(startMs) || Number.isNaN(mbPerThread)) {
    throw new Error(
      `stage 08's cost script did not report its numbers (exit ${cost.code}):\n${cost.stdout}${cost.stderr}`,
    );
  }
  progress(`cost of a thread · ${cost.stdout.trim().replaceAll("\n", " ")}`);

  const servers = new Map<StageName, Server>();
  const results = new Map<StageName, { rounds: LoadResult[]; maxThreads: number }>();
  try {
    for (const stage of STAGES) {
      const server = await startServer(stage);
      servers.set(stage, server);
      results.set(stage, { rounds: [], maxThreads: 0 });
      await answerOnce(stage, server);
    }
    for (let round = 1; round <= settings.rounds; round++) {
      for (const stage of STAGES) {
        const server = servers.get(stage) as Server;
        const entry = results.get(stage) as { rounds: LoadResult[]; maxThreads: number };
        let sampledAt = Number.NEGATIVE_INFINITY;
        const sample = (): void => {
          if (!HAS_PROC) return;
          sampledAt = performance.now();
          entry.maxThreads = Math.max(entry.maxThreads, server.workerThreads());
        };
        const sampler = setInterval(sample, SAMPLE_EVERY_MS);
        try {
          sample();
          const result = await load({
            port: server.port,
            connections: settings.threadConnections,
            span: settings.spans.burst,
            onResponse: () => {
              if (performance.now() - sampledAt >= SAMPLE_ON_RESPONSE_EVERY_MS) sample();
            },
          });
          entry.rounds.push(result);
          const threads = HAS_PROC ? `up to ${entry.maxThreads} threads` : "threads not counted (no /proc)";
          progress(
            `cost of a thread · round ${round}/${settings.rounds} · ${stage}, ${settings.threadConnections} clients: ${describe(result)}, ${threads}`,
          );
        } finally {
          clearInterval(sampler);
        }
        refuseReplacedWorkers(stage, server);
      }
    }
    const rows: BurstRow[] = [];
    const heapsOf = await Promise.all(STAGES.map((stage) => (servers.get(stage) as Server).heaps()));
    for (const [index, stage] of STAGES.entries()) {
      const { rounds, maxThreads } = results.get(stage) as { rounds: LoadResult[]; maxThreads: number };
      const server = servers.get(stage) as Server;
      const peakRssMb = HAS_PROC ? megabytes(server.peakMemory()) : null;
      const heaps = heapsOf[index] ?? null;
      progress(`cost of a thread · memory · ${stage}: ${memoryLine(peakRssMb, heaps)}`);
      rows.push({
        stage,
        connections: settings.threadConnections,
        rounds,
        perSecond: median(rounds.map((result) => result.perSecond)),
        maxThreads: HAS_PROC ? maxThreads : null,
        peakRssMb,
        heaps,
      });
    }
    return { startMs, mbPerThread, rows };
  } finally {
    await stopAll(servers.values());
  }
}

/**
 * One `GET /`, answered, before any thread is counted. The first request
 * that reads a file starts libuv's threadpool, from whichever thread makes
 * it: here a worker thread, so the pool's four threads carry the name
 * WorkerThread until each first runs and renames itself `libuv-worker`
 * (libuv waits for that before the read goes on). Counted during the burst,
 * they made a pool of 4 look like 5 on a busy machine.
 */
async function answerOnce(stage: StageName, server: Server): Promise<void> {
  const once = await load({ port: server.port, connections: 1, span: { requests: 1, capSeconds: 60 } });
  if (once.requests !== 1 || failures(once) > 0)
    throw new Error(`${stage} did not answer a first GET / (${describe(once)})`);
}

/** A worker thread that died and was replaced would be counted twice for a moment: the count would mean nothing. */
function refuseReplacedWorkers(stage: StageName, server: Server): void {
  const replaced = /^Worker \d+ stopped unexpectedly.*$/m.exec(server.stderr());
  if (replaced)
    throw new Error(
      `${stage} lost a worker thread during the burst, so its thread count is not the pool's: ${replaced[0]}`,
    );
}
