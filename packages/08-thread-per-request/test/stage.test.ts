import { expect, it, vi } from "vitest";
import { describeServing, expectRefusedAtStart, get, runToExit, slowAndFast, stageDirOf, useStage } from "testkit";

const stage = useStage(import.meta.url, { SLEEP_MS: "2000" });

it("a GET / sent while /sleep is in progress is answered before /sleep", async () => {
  const { order } = await slowAndFast(stage().port, 500);
  expect(order).toEqual(["/", "/sleep"]);
});

it.runIf(process.platform === "linux")("runs each connection on a thread of its own, which ends with it", async () => {
  const port = stage().port;
  const sleeping = Promise.all([get(port, "/sleep", 30_000), get(port, "/sleep", 30_000), get(port, "/sleep", 30_000)]);
  await vi.waitFor(() => expect(stage().workerThreads()).toBe(3), { timeout: 10_000, interval: 20 });
  await sleeping;
  await vi.waitFor(() => expect(stage().workerThreads()).toBe(0), { timeout: 5_000, interval: 20 });
});

it("a bad SLEEP_MS stops it at start with one line", async () => {
  await expectRefusedAtStart(stageDirOf(import.meta.url), { SLEEP_MS: "soon" }, 'error: SLEEP_MS must be a whole number from 0 to 600000, got "soon"');
});

// A new thread per connection makes each request slow: fewer of them through the keep-alive agent.
describeServing(stage, stageDirOf(import.meta.url), { sleep: true, memory: false, keepAliveRequests: 20 });

it("`pnpm cost` measures a thread's start time and memory", async () => {
  const run = await runToExit(stageDirOf(import.meta.url), "src/cost.ts", { RUNS: "3", THREADS: "2" }, 30_000);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Starting one thread, ready to handle a connection, took \d+\.\d ms \(median of 3\)\.\n2 idle threads added -?\d+ MB of memory \(-?\d+\.\d MB each\)\.\n$/);
});
