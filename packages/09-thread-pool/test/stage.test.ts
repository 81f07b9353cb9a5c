import { expect, it } from "vitest";
import { describeServing, expectRefusedAtStart, get, stageDirOf, useStage, type RunningStage } from "testkit";

const SLEEP_MS = 2500;
const stage = useStage(import.meta.url, { SLEEP_MS: String(SLEEP_MS), POOL_SIZE: "4" });

const JOB_LINE = /^Worker (\d+) got a job; executing\.$/gm;
const jobLines = (running: RunningStage): string[] => [...running.stdout().matchAll(JOB_LINE)].map(([, id]) => id ?? "");

/** Start `GET path` and count it in `done` when it has come back with 200. */
function request(port: number, path: string, done: string[]): Promise<void> {
  return get(port, path, 30_000).then((response) => {
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    done.push(path);
  });
}

it("runs 4 /sleep requests at once on workers 0…3; a 5th waits for a free worker", async () => {
  const running = stage();
  const before = jobLines(running).length;
  const done: string[] = [];
  const first = Array.from({ length: 4 }, () => request(running.port, "/sleep", done));
  await running.waitUntil(() => jobLines(running).length === before + 4);
  expect(new Set(jobLines(running).slice(before))).toEqual(new Set(["0", "1", "2", "3"]));
  expect(done).toEqual([]); // all four started before any finished: they run side by side

  const fifth = request(running.port, "/sleep", done);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(jobLines(running).length).toBe(before + 4); // accepted, but no worker is free
  await Promise.all(first);
  expect(done).toHaveLength(4); // the fifth started only when a worker came free, so it is still running
  await fifth;
  expect(jobLines(running).length).toBe(before + 5);
});

it("answers GET / while 3 /sleep requests hold 3 of the 4 workers", async () => {
  const running = stage();
  const before = jobLines(running).length;
  const done: string[] = [];
  const sleeping = Array.from({ length: 3 }, () => request(running.port, "/sleep", done));
  await running.waitUntil(() => jobLines(running).length === before + 3);
  await request(running.port, "/", done);
  expect(done).toEqual(["/"]);
  await Promise.all(sleeping);
});

it("POOL_SIZE=0 is refused at start with one line", async () => {
  await expectRefusedAtStart(stageDirOf(import.meta.url), { POOL_SIZE: "0" }, "error: a thread pool needs at least one thread, got 0 (set POOL_SIZE to 1 or more)");
});

describeServing(stage, stageDirOf(import.meta.url), { sleep: true });
