import { createServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { connect, exchange, parseResponse, readToClose, runToExit, startStage } from "testkit";
import { TcpListener, connectionLimit, poolSize, sleepMs, take, thread } from "../src/index.ts";
import { REPEAT_MS } from "../src/shutdown.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const fixture = "fixtures/graceful.ts";
const request = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: test\r\n\r\n`;

describe("thread.sleep", () => {
  it("blocks the whole thread: nothing else runs until it returns", () => {
    let ran = false;
    setImmediate(() => (ran = true));
    const started = performance.now();
    thread.sleep(30);
    expect(ran).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });
});

describe("take", () => {
  async function* counted(log: string[]): AsyncGenerator<number> {
    try {
      for (let i = 0; ; i++) {
        log.push(`pull ${i}`);
        yield i;
      }
    } finally {
      log.push("closed");
    }
  }

  it("gives the first n items, then closes the source without asking for more", async () => {
    const log: string[] = [];
    const got: number[] = [];
    for await (const item of take(counted(log), 2)) got.push(item);
    expect(got).toEqual([0, 1]);
    expect(log).toEqual(["pull 0", "pull 1", "closed"]);
  });

  it("gives nothing for 0, and everything for Infinity", async () => {
    const log: string[] = [];
    for await (const item of take(counted(log), 0)) throw new Error(`got ${item}`);
    expect(log).toEqual([]);
    async function* three(): AsyncGenerator<number> {
      yield* [1, 2, 3];
    }
    const all: number[] = [];
    for await (const item of take(three(), Infinity)) all.push(item);
    expect(all).toEqual([1, 2, 3]);
  });
});

describe("settings of the later stages", () => {
  it("have the book's defaults, and TAKE=0 means no limit", () => {
    expect([sleepMs({}), poolSize({}), connectionLimit({})]).toEqual([5_000, 4, 2]);
    expect([sleepMs({ SLEEP_MS: "10" }), poolSize({ POOL_SIZE: "0" }), connectionLimit({ TAKE: "0" })]).toEqual([
      10,
      0,
      Infinity,
    ]);
  });

  it.each([
    ["SLEEP_MS", "5s"],
    ["POOL_SIZE", "-1"],
    ["TAKE", "two"],
  ])("a bad %s=%j stops the program at start with one line naming it", async (name, value) => {
    const run = await runToExit(here, fixture, { HOST: "127.0.0.1", PORT: "0", [name]: value });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: ${name} must be a whole number from ${name === "SLEEP_MS" ? "0 to 600000" : name === "POOL_SIZE" ? "0 to 256" : `0 to ${Number.MAX_SAFE_INTEGER}`}, got ${JSON.stringify(value)}\n`,
    );
    expect(run.stdout).toBe("");
  });

  it("throw instead of exiting on a worker thread", async () => {
    const worker = new Worker(
      `import("${new URL("../src/settings.ts", import.meta.url).href}").then((m) => m.sleepMs({ SLEEP_MS: "x" }))`,
      { eval: true },
    );
    const error = await new Promise<Error>((resolve) => worker.once("error", resolve));
    expect(error.message).toMatch(/^SLEEP_MS must be a whole number/);
  });
});

describe("moving a connection to a worker thread", () => {
  it("the worker reads the request and answers on the same connection", async () => {
    const listener = await TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
    const worker = new Worker(new URL("fixtures/serve-moved.ts", import.meta.url));
    try {
      const reply = exchange(listener.address.port, request("/"));
      for await (const stream of take(listener.incoming(), 1)) stream.moveTo(worker);
      expect(parseResponse((await reply).bytes).body.toString()).toBe("moved");
      await new Promise((resolve) => worker.once("exit", resolve)); // nothing left on the thread keeps it alive
    } finally {
      await listener.close();
      await worker.terminate();
    }
  });

  it("the client's address travels with it, even when the client reset while it waited", async () => {
    const listener = await TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
    const worker = new Worker(new URL("fixtures/peer-of-moved.ts", import.meta.url));
    try {
      const client = await connect(listener.address.port);
      const address = `127.0.0.1:${client.localPort}`;
      for await (const stream of take(listener.incoming(), 1)) {
        expect(stream.peer).toBe(address); // read at accept
        const closed = new Promise((resolve) => client.once("close", resolve));
        client.resetAndDestroy(); // while it waits, as in a pool's queue
        await closed;
        await new Promise((resolve) => setTimeout(resolve, 50)); // let the reset reach the server's socket
        stream.moveTo(worker);
      }
      expect(await new Promise((resolve) => worker.once("message", resolve))).toBe(address);
    } finally {
      await listener.close();
      await worker.terminate();
    }
  });

  it("refuses a connection that was already read from", async () => {
    const listener = await TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
    try {
      const client = await connect(listener.address.port);
      client.write(request("/"));
      for await (const stream of take(listener.incoming(), 1)) {
        await stream.readRequest();
        expect(() => stream.moveTo({ postMessage: () => {} })).toThrow(/only an untouched connection/);
        stream.close();
      }
      client.destroy();
    } finally {
      await listener.close();
    }
  });
});

describe("closing the listener", () => {
  it("answers 503 to connections accepted but not yet taken, and ends incoming()", async () => {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const listener = new TcpListener(server);
    const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
    const reply = exchange(listener.address.port, request("/"));
    await accepted; // TcpListener's own handler ran first: the stream is waiting in it
    {
      await using _ = listener; // disposing closes it
    }
    const taken: unknown[] = [];
    for await (const stream of listener.incoming()) taken.push(stream);
    expect(taken).toEqual([]);
    expect(parseResponse((await reply).bytes).statusLine).toBe("HTTP/1.1 503 Service Unavailable");
    expect(server.listening).toBe(false);
  });
});

describe("SIGINT and SIGTERM", () => {
  it("the first stops accepting; a request in progress is still answered, then the process exits 0", async () => {
    const server = await startStage(here, { TAKE: "0" }, fixture);
    const client = await connect(server.port);
    const reply = readToClose(client);
    client.write("GET /in-progress HTTP/1.1\r\n"); // the head is not complete yet
    await server.waitForStdout(/^settings 5000 4 Infinity$/m);
    process.kill(server.pid, "SIGTERM");
    await server.waitForStdout(/^stopped taking connections$/m);
    expect(server.running()).toBe(true);
    client.end("Host: test\r\n\r\n");
    expect(parseResponse((await reply).bytes).body.toString()).toBe("/in-progress");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toMatch(/^SIGTERM: finishing the requests in progress/m);
  });

  it("a second one exits at once", async () => {
    const server = await startStage(here, { TAKE: "0" }, fixture);
    const client: Socket = await connect(server.port);
    client.write("GET /never-finished HTTP/1.1\r\n");
    process.kill(server.pid, "SIGINT");
    await server.waitForStdout(/^stopped taking connections$/m);
    await new Promise((resolve) => setTimeout(resolve, REPEAT_MS + 100));
    process.kill(server.pid, "SIGINT");
    expect(await server.exited).toEqual({ code: 130, signal: null });
    client.destroy();
  });

  it("TAKE=2 stops after two connections and exits 0", async () => {
    const server = await startStage(here, {}, fixture);
    for (const target of ["/1", "/2"])
      expect(parseResponse((await exchange(server.port, request(target))).bytes).body.toString()).toBe(target);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toMatch(/stopped taking connections\n$/);
  });
});
