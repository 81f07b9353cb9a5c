import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { connect, parseResponse, readToClose, runToExit } from "testkit";
import { RESTART_DELAY_MS, SupervisedThread, importJob } from "../src/pool-thread.ts";
import { TcpStream } from "../src/stream.ts";

const fixture = (name: string): URL => new URL(`./fixtures/pool-thread/${name}`, import.meta.url);

/** Waits that end when something happens; the limit is only for a broken supervisor. */
const LIMIT_MS = 20_000;
const waitFor = <T>(check: () => T): Promise<T> => vi.waitFor(check, { timeout: LIMIT_MS, interval: 10 });

let logged: string[] = [];
let spy: { mockRestore(): void } | undefined;
afterEach(() => spy?.mockRestore());
/** Capture core's log lines (stderr) for one test. */
function captureLog(): void {
  logged = [];
  spy = vi.spyOn(process.stderr, "write").mockImplementation((text) => {
    logged.push(String(text));
    return true;
  });
}

// Connections come from a listener on 127.0.0.1, paused as core's are, so they can move.
let server: Server;
let port: number;
const accepted: Socket[] = [];
beforeAll(async () => {
  server = createServer({ pauseOnConnect: true }, (socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Open a connection, send `target`'s request, and give the server's end as a TcpStream with the client's reply. */
async function connection(target: string): Promise<{ stream: TcpStream; reply: Promise<Buffer> }> {
  const client = await connect(port);
  client.write(`GET ${target} HTTP/1.1\r\nHost: test\r\n\r\n`);
  const reply = readToClose(client, LIMIT_MS).then((r) => r.bytes);
  await waitFor(() => expect(accepted.length).toBeGreaterThan(0));
  return { stream: new TcpStream(accepted.shift() as Socket), reply };
}

/** A supervised thread whose idle reports are counted; `next` gives it its next job when it is idle. */
function supervise(script: string, id = 7) {
  const state = { idle: 0, next: [] as TcpStream[] };
  const thread: SupervisedThread = new SupervisedThread(fixture(script), { id }, () => {
    state.idle++;
    const job = state.next.shift();
    if (job) thread.run(job);
  });
  return { thread, state };
}

describe("SupervisedThread and receiveJobs", () => {
  it("runs jobs one at a time, says when it is idle, and ends on disconnect", async () => {
    const { thread, state } = supervise("serve-jobs.ts");
    await waitFor(() => expect(state.idle).toBe(1)); // ready
    const first = await connection("/");
    thread.run(first.stream);
    expect(parseResponse(await first.reply).body.toString()).toBe("job 1 on 7");
    await waitFor(() => expect(state.idle).toBe(2)); // done
    // A job handed over when idle goes at once; one given by onIdle as well.
    const second = await connection("/");
    const third = await connection("/");
    state.next.push(third.stream);
    thread.run(second.stream);
    expect(parseResponse(await second.reply).body.toString()).toBe("job 2 on 7");
    expect(parseResponse(await third.reply).body.toString()).toBe("job 3 on 7");
    await waitFor(() => expect(state.idle).toBe(4));
    thread.disconnect();
    await thread.join();
  });

  it("disconnect while busy: the job finishes, onIdle may still give a queued job, then the thread stops", async () => {
    const { thread, state } = supervise("serve-jobs.ts");
    await waitFor(() => expect(state.idle).toBe(1));
    const busy = await connection("/");
    const queued = await connection("/");
    thread.run(busy.stream);
    state.next.push(queued.stream);
    thread.disconnect();
    expect(parseResponse(await busy.reply).body.toString()).toBe("job 1 on 7");
    expect(parseResponse(await queued.reply).body.toString()).toBe("job 2 on 7");
    await thread.join();
    expect(state.idle).toBe(3);
  });

  it("terminate: an idle thread is told to stop at once, its loop ends, and it is not started again", async () => {
    captureLog();
    const { thread, state } = supervise("serve-jobs.ts", 2);
    await waitFor(() => expect(state.idle).toBe(1));
    const job = await connection("/");
    thread.run(job.stream);
    expect(parseResponse(await job.reply).body.toString()).toBe("job 1 on 2");
    await waitFor(() => expect(state.idle).toBe(2));
    thread.terminate();
    await thread.join();
    await new Promise((resolve) => setTimeout(resolve, 200)); // time enough for a wrong restart to be logged
    expect(state.idle).toBe(2);
    expect(logged.filter((line) => line.startsWith("Worker 2 "))).toEqual([]); // exited as told: nothing to report
  });

  it("replaces a thread that dies in a job under the same id, closes that connection, and reports the new one idle", async () => {
    captureLog();
    const { thread, state } = supervise("serve-jobs.ts", 3);
    await waitFor(() => expect(state.idle).toBe(1));
    const dying = await connection("/exit");
    thread.run(dying.stream);
    expect((await dying.reply).length).toBe(0);
    await waitFor(() => expect(state.idle).toBe(2)); // the new thread is ready
    expect(logged).toContain(
      "Worker 3 stopped unexpectedly (exit code 3); its connection is closed; starting a new thread\n",
    );
    const next = await connection("/");
    thread.run(next.stream);
    expect(parseResponse(await next.reply).body.toString()).toBe("job 1 on 3"); // a new thread counts from 1
    thread.disconnect();
    await thread.join();
  });

  it("replaces a thread that outgrows its heap limit, with one line saying so", async () => {
    captureLog();
    const { thread, state } = supervise("serve-jobs.ts", 4);
    await waitFor(() => expect(state.idle).toBe(1));
    const hog = await connection("/hog");
    thread.run(hog.stream);
    expect((await hog.reply).length).toBe(0);
    await waitFor(() => expect(state.idle).toBe(2));
    const lines = logged.filter((line) => line.startsWith("Worker 4 "));
    expect(lines[0]).toMatch(/^Worker 4 failed: .*out of memory.*\n$/i);
    expect(lines).toContain(
      "Worker 4 stopped unexpectedly (exit code 1); its connection is closed; starting a new thread\n",
    );
    thread.disconnect();
    await thread.join();
  });

  it("logs a message it does not know in one line and does not take it for idle", async () => {
    captureLog();
    const { thread, state } = supervise("strange-message.ts", 5);
    await waitFor(() => expect(logged.filter((line) => line.startsWith("Worker 5 sent a message")).length).toBe(4));
    expect(logged).toContain("Worker 5 sent a message the pool does not know: { kind: 'hello' }\n");
    expect(logged).toContain("Worker 5 sent a message the pool does not know: 'done'\n");
    expect(logged).toContain("Worker 5 sent a message the pool does not know: 1n\n");
    expect(logged).toContain(
      "Worker 5 sent a message the pool does not know: <ref *1> { kind: 'cycle', self: [Circular *1] }\n",
    );
    expect(state.idle).toBe(1); // "ready" only
    thread.disconnect();
    await thread.join();
  });

  it(`waits ${RESTART_DELAY_MS} ms before it starts again a thread that died before it was ready; disconnect stops the retries`, async () => {
    captureLog();
    const { thread, state } = supervise("dies-at-start.ts", 1);
    const failed = () => logged.filter((line) => line.startsWith("Worker 1 failed:"));
    await waitFor(() => expect(failed().length).toBe(1));
    const firstFailure = performance.now();
    await waitFor(() => expect(failed().length).toBe(2));
    expect(performance.now() - firstFailure).toBeGreaterThanOrEqual(RESTART_DELAY_MS - 50);
    expect(failed()[0]).toBe("Worker 1 failed: this thread fails at start on purpose\n");
    expect(logged).toContain("Worker 1 stopped unexpectedly (exit code 1); starting a new thread\n");
    // Between two tries, disconnect ends it: join resolves and no thread starts again.
    await waitFor(() => expect(logged.filter((line) => line.includes("starting a new thread")).length).toBe(2));
    thread.disconnect();
    await thread.join();
    const tries = failed().length;
    await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS + 200));
    expect(failed().length).toBe(tries);
    expect(state.idle).toBe(0);
  });
});

describe("importJob", () => {
  it("gives the module's handleConnection", async () => {
    const handler = await importJob(fixture("job.ts"));
    expect(typeof handler).toBe("function");
  });

  it("refuses a module without handleConnection in one line that names it", async () => {
    const url = fixture("no-handler.ts");
    await expect(importJob(url)).rejects.toThrow(
      `the job module ${url.href} does not export a function handleConnection(stream)`,
    );
  });
});

describe("println", () => {
  it("writes whole lines from every thread, in each thread's order, nothing lost", async () => {
    const run = await runToExit(fileURLToPath(new URL(".", import.meta.url)), "fixtures/println.ts", {});
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n").filter(Boolean);
    expect(lines[0]).toBe("main: first");
    expect(lines.at(-1)).toBe("main: last");
    for (const id of [1, 2]) {
      const mine = lines.filter((line) => line.startsWith(`thread ${id}: `));
      expect(mine.map((line) => line.split(" ")[3])).toEqual(Array.from({ length: 500 }, (_, i) => String(i + 1)));
      for (const line of mine) expect(line).toMatch(/^thread \d: line \d+ x{200}$/);
    }
    expect(lines.length).toBe(1002);
  });
});
