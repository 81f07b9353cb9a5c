import { expect, it, vi } from "vitest";
import {
  HAS_PROC,
  LONG_SLEEP_MS,
  describeServing,
  expectRefusedAtStart,
  get,
  runToExit,
  stageDirOf,
  startGet,
  startStage,
  useStage,
  type InFlight,
  type RunningStage,
} from "testkit";

const dir = stageDirOf(import.meta.url);
const stage = useStage(import.meta.url, { SLEEP_MS: "2000" });

/**
 * Run `check` against a stage of its own whose `/sleep` lasts LONG_SLEEP_MS
 * (20 s), with `sleeps` requests to `/sleep` in flight; the requests are
 * abandoned and the stage stopped afterwards, not waited for.
 */
async function whileSleeping(
  sleeps: number,
  check: (running: RunningStage, inFlight: readonly InFlight[]) => Promise<void>,
): Promise<void> {
  const running = await startStage(dir, { SLEEP_MS: String(LONG_SLEEP_MS) });
  const inFlight: InFlight[] = [];
  try {
    for (let i = 0; i < sleeps; i++) inFlight.push(await startGet(running.port, "/sleep"));
    await check(running, inFlight);
  } finally {
    for (const request of inFlight) request.abandon();
    await running.stop();
  }
}

it("a GET / sent while /sleep is in progress is answered before /sleep", async () => {
  await whileSleeping(1, async (running, [sleep]) => {
    await new Promise((resolve) => setTimeout(resolve, 500)); // time for the stage to start on /sleep
    expect((await get(running.port, "/")).statusLine).toBe("HTTP/1.1 200 OK");
    expect(sleep?.finished()).toBe(false); // with 20 s of margin, whatever the machine is doing
  });
});

// Linux only: threads are counted in /proc (see HAS_PROC).
it.runIf(HAS_PROC)(
  "runs each connection on a thread of its own, which ends with it (Linux: threads counted in /proc)",
  async () => {
    await whileSleeping(3, async (running, sleeping) => {
      // Three connections sleeping for 20 s: three threads, however long they take to start.
      await vi.waitFor(() => expect(running.workerThreads()).toBe(3), { timeout: 15_000, interval: 20 });
      // A fourth connection gets a fourth thread, which ends with it.
      expect((await get(running.port, "/")).statusLine).toBe("HTTP/1.1 200 OK");
      await vi.waitFor(() => expect(running.workerThreads()).toBe(3), { timeout: 10_000, interval: 20 });
      expect(sleeping.filter((request) => request.finished())).toEqual([]);
    });
  },
);

it("a bad SLEEP_MS stops it at start with one line", async () => {
  await expectRefusedAtStart(
    dir,
    { SLEEP_MS: "soon" },
    'error: SLEEP_MS must be a whole number from 0 to 600000, got "soon"',
  );
});

// A new thread per connection makes each request slow: fewer of them through the keep-alive agent.
describeServing(stage, dir, { sleep: true, memory: false, keepAliveRequests: 20 });

it("`pnpm cost` measures a thread's start time and memory", async () => {
  const run = await runToExit(dir, "src/cost.ts", { RUNS: "3", THREADS: "2" }, 30_000);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(
    /^Starting one thread, ready to handle a connection, took \d+\.\d ms \(median of 3\)\.\n2 idle threads added -?\d+ MB of memory \(-?\d+\.\d MB each\)\.\n$/,
  );
});

it("`pnpm cost` refuses a bad RUNS in one line, without a stack trace", async () => {
  const run = await runToExit(dir, "src/cost.ts", { RUNS: "abc" }, 30_000);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('error: RUNS must be a whole number from 1 to 1000, got "abc"\n');
  expect(run.stdout).toBe("");
});
