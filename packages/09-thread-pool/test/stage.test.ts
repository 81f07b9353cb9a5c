import { expect, it } from "vitest";
import {
  LONG_SLEEP_MS,
  describeServing,
  expectRefusedAtStart,
  get,
  stageDirOf,
  startGet,
  startStage,
  useStage,
  type InFlight,
  type RunningStage,
} from "testkit";

const dir = stageDirOf(import.meta.url);
const SLEEP_MS = 2500;
const stage = useStage(import.meta.url, { SLEEP_MS: String(SLEEP_MS), POOL_SIZE: "4" });

const JOB_LINE = /^Worker (\d+) got a job; executing\.$/gm;
const jobLines = (running: RunningStage): string[] =>
  [...running.stdout().matchAll(JOB_LINE)].map(([, id]) => id ?? "");

/**
 * Run `check` against a pool of 4 of its own whose `/sleep` lasts
 * LONG_SLEEP_MS (20 s), once `sleeps` requests to `/sleep` have each been
 * taken by a worker; the requests are abandoned and the stage stopped
 * afterwards, not waited for.
 */
async function whileSleeping(
  sleeps: number,
  check: (running: RunningStage, inFlight: InFlight[]) => Promise<void>,
): Promise<void> {
  const running = await startStage(dir, { SLEEP_MS: String(LONG_SLEEP_MS), POOL_SIZE: "4" });
  const inFlight: InFlight[] = [];
  try {
    for (let i = 0; i < sleeps; i++) inFlight.push(await startGet(running.port, "/sleep"));
    // Bounded, not timed: a fresh pool's threads start in well under a second at rest.
    await running.waitUntil(() => jobLines(running).length === sleeps, 15_000);
    await check(running, inFlight);
  } finally {
    for (const request of inFlight) request.abandon();
    await running.stop();
  }
}

it("runs 4 /sleep requests at once on workers 0…3; while they sleep, a 5th gets no worker", async () => {
  await whileSleeping(4, async (running, inFlight) => {
    expect(new Set(jobLines(running))).toEqual(new Set(["0", "1", "2", "3"]));
    expect(inFlight.filter((request) => request.finished())).toEqual([]); // all four run side by side
    inFlight.push(await startGet(running.port, "/sleep"));
    // A wait that can only make this check pass wrongly, never fail wrongly:
    // no worker comes free for 20 s, and a pool that started the 5th anyway
    // would print its line within this half second on any machine at rest.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(jobLines(running)).toHaveLength(4);
  });
});

it("answers GET / while 3 /sleep requests hold 3 of the 4 workers", async () => {
  await whileSleeping(3, async (running, sleeping) => {
    expect((await get(running.port, "/")).statusLine).toBe("HTTP/1.1 200 OK");
    expect(sleeping.filter((request) => request.finished())).toEqual([]); // with 20 s of margin
    expect(new Set(jobLines(running))).toEqual(new Set(["0", "1", "2", "3"])); // `/` ran on the 4th worker
  });
});

it("5 /sleep requests at once on a pool of 4: the 5th waits for a free worker, so the last ends two sleeps after they were sent", async () => {
  const running = stage();
  const before = jobLines(running).length;
  const sent = performance.now();
  const responses = await Promise.all(Array.from({ length: 5 }, () => get(running.port, "/sleep", 30_000)));
  // A lower bound only: 5 sleeps on 4 threads put two sleeps in a row on
  // one of them, however fast or slow the machine is.
  expect(performance.now() - sent).toBeGreaterThanOrEqual(2 * SLEEP_MS);
  for (const response of responses) expect(response.statusLine).toBe("HTTP/1.1 200 OK");
  const lines = jobLines(running).slice(before);
  expect(lines).toHaveLength(5);
  for (const id of lines) expect(["0", "1", "2", "3"]).toContain(id);
});

it("POOL_SIZE=0 is refused at start with one line", async () => {
  await expectRefusedAtStart(
    dir,
    { POOL_SIZE: "0" },
    "error: a thread pool needs at least one thread, got 0 (set POOL_SIZE to 1 or more)",
  );
});

describeServing(stage, dir, { sleep: true });
