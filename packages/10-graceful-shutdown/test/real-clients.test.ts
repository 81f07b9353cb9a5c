// Stage 10 with the clients a reader really has: a browser's spare
// connections when Ctrl+C comes, more clients than TAKE at once, a client
// that gives up while it waits for a worker.
import { expect, it, onTestFinished } from "vitest";
import { UNKNOWN_PEER } from "core";
import {
  connect,
  get,
  readToClose,
  stageDirOf,
  startStage as start,
  type Reply,
  type RunningStage,
  within,
} from "testkit";

const dir = stageDirOf(import.meta.url);
/** Start the stage, and stop it when the test ends, passed or failed. */
async function startStage(dir: string, env: Record<string, string>): Promise<RunningStage> {
  const running = await start(dir, env);
  onTestFinished(() => running.stop());
  return running;
}

it("Ctrl+C with silent connections open (a browser's spares): they are closed, a request behind them is answered, exit 0", async () => {
  const running = await startStage(dir, { TAKE: "0", POOL_SIZE: "1" });
  const silent = await Promise.all([0, 1, 2].map(() => connect(running.port)));
  const closed = silent.map((socket) => readToClose(socket, 30_000));
  const real = await connect(running.port); // queued behind the silent ones, for the one worker
  const answer = readToClose(real, 30_000);
  real.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\n\r\n`);
  await running.waitUntil(() => /got a job; executing\./.test(running.stdout()));
  process.kill(running.pid, "SIGINT");
  // Each silent one would hold the worker for the 10 s wait for a first byte: 30 s in all.
  expect(await within(running.exited, 8_000, "exiting")).toEqual({ code: 0, signal: null });
  expect(await Promise.all(closed)).toEqual(silent.map((): Reply => ({ bytes: Buffer.alloc(0), ending: "end" })));
  expect((await answer).bytes.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(running.stderr().match(/: sent nothing, and the server is shutting down; closing$/gm)).toHaveLength(3);
});

it("ten /sleep at once with TAKE=2: two are answered in full, the rest refused without a hang, exit 0", async () => {
  const running = await startStage(dir, { SLEEP_MS: "1000" });
  const replies = await Promise.all(
    Array.from({ length: 10 }, async (): Promise<string> => {
      try {
        const socket = await connect(running.port);
        const reply = readToClose(socket, 20_000);
        socket.write(`GET /sleep HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\n\r\n`);
        return (await reply).bytes.toString("latin1").split("\r\n")[0] || "(nothing)";
      } catch (error) {
        return `(${(error as NodeJS.ErrnoException).code ?? "error"})`;
      }
    }),
  );
  expect(await within(running.exited, 15_000, "exiting")).toEqual({ code: 0, signal: null });
  expect(replies.filter((line) => line === "HTTP/1.1 200 OK")).toHaveLength(2);
  // The rest were still in the kernel's accept queue (reset when the listener
  // closed), or accepted by Node.js but not taken (503): never a 200, never a hang.
  for (const line of replies.filter((reply) => reply !== "HTTP/1.1 200 OK")) {
    expect(["(nothing)", "(ECONNRESET)", "(ECONNREFUSED)", "HTTP/1.1 503 Service Unavailable"]).toContain(line);
  }
  expect(running.stdout().match(/got a job; executing\./g)).toHaveLength(2);
});

it("a client that resets while it waits for a worker is logged with its address, not `?:?`", async () => {
  const running = await startStage(dir, { TAKE: "0", POOL_SIZE: "1", SLEEP_MS: "1500" });
  const sleeping = get(running.port, "/sleep", 30_000); // holds the only worker
  await running.waitUntil(() => /got a job; executing\./.test(running.stdout()));
  const quitter = await connect(running.port);
  const peer = `127.0.0.1:${quitter.localPort}`;
  quitter.write("GET / HTTP/1.1\r\n");
  // Time for the main thread to accept it; a client that resets before that
  // has no address left for anyone, and is logged as UNKNOWN_PEER instead.
  await new Promise((resolve) => setTimeout(resolve, 300));
  quitter.resetAndDestroy();
  await sleeping;
  const logged = [`${peer}: the client hung up (ECONNRESET)`, `${UNKNOWN_PEER}: the client hung up (ECONNRESET)`];
  await running.waitUntil(() => logged.some((line) => running.stderr().includes(line)), 10_000);
  expect(running.stderr()).not.toContain("?:?");
  expect(running.stderr()).not.toContain(": 400:"); // a reset is not a request cut short: nobody is left to answer
});
