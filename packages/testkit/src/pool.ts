import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exchange, get, parseResponse } from "./client.ts";

// testkit cannot depend on core (core's tests use testkit), so the stage
// passes core's TcpListener in, and the types here say only what is used.

/** The part of core's TcpListener these tests use. */
interface Listener<Stream> {
  readonly address: { readonly port: number };
  incoming(): AsyncIterable<Stream>;
  close(): Promise<void>;
}

/** What the pool tests need of a stage's ThreadPool (09's, and 10's with its cleanup). */
export interface Pool<Stream = never> {
  readonly size: number;
  execute(stream: Stream): void;
}

export interface PoolLibrary<Stream> {
  /** core's TcpListener, which gives the connections. */
  readonly TcpListener: {
    listen(options: { address: { host: string; port: number } }): Promise<Listener<Stream>>;
  };
  readonly ThreadPool: {
    new (size: number, job: URL): Pool<Stream>;
    build(size: number, job: URL): { readonly ok: true; readonly pool: Pool<Stream> } | { readonly ok: false; readonly error: Error };
  };
  readonly PoolCreationError: new (...args: never[]) => Error;
  /** Stop a pool's threads after the tests, for a pool that can. */
  readonly dispose?: (pool: Pool<Stream>) => Promise<void>;
}

const JOBS = new URL("./fixtures/jobs.ts", import.meta.url);

/** The unit tests of a stage's ThreadPool, run in this process with test jobs. */
export function describeThreadPool<Stream>(lib: PoolLibrary<Stream>): void {
  describe("ThreadPool", () => {
    it.each([0, -1, 1.5, Number.NaN])("refuses size %s with a PoolCreationError; build returns it", (size) => {
      expect(() => new lib.ThreadPool(size, JOBS)).toThrow(lib.PoolCreationError);
      expect(() => new lib.ThreadPool(size, JOBS)).toThrow(/at least one thread/);
      const built = lib.ThreadPool.build(size, JOBS);
      expect(built.ok).toBe(false);
      if (!built.ok) expect(built.error).toBeInstanceOf(lib.PoolCreationError);
    });

    describe("with a pool of 4 and connections from a real listener", () => {
      let listener: Listener<Stream>;
      let pool: Pool<Stream>;
      beforeAll(async () => {
        listener = await lib.TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
        const built = lib.ThreadPool.build(4, JOBS);
        if (!built.ok) throw built.error;
        pool = built.pool;
        void (async () => {
          for await (const stream of listener.incoming()) pool.execute(stream);
        })();
      });
      afterAll(async () => {
        await listener.close();
        await lib.dispose?.(pool);
      });

      const ask = async (target: string): Promise<string> => (await get(listener.address.port, target, 10_000)).body.toString();
      /** Which workers ran `count` jobs that each hold a worker for `holdMs`, sent at once. */
      const concurrentWorkers = async (count: number, holdMs = 400): Promise<Set<string>> =>
        new Set(await Promise.all(Array.from({ length: count }, () => ask(`/hold/${holdMs}`))));

      it("runs jobs on distinct workers when several are idle, with ids 0…3", async () => {
        expect(await concurrentWorkers(4)).toEqual(new Set(["worker 0", "worker 1", "worker 2", "worker 3"]));
      });

      it("a job that throws gives its request a 500, and the pool keeps its size and keeps working", async () => {
        const quiet = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        try {
          const reply = await exchange(listener.address.port, "GET /throw HTTP/1.1\r\n\r\n");
          expect(parseResponse(reply.bytes).statusLine).toBe("HTTP/1.1 500 Internal Server Error");
        } finally {
          quiet.mockRestore();
        }
        expect(pool.size).toBe(4);
        expect((await concurrentWorkers(4)).size).toBe(4);
      });

      it("a worker whose thread dies is replaced under the same id", async () => {
        const logged = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        try {
          const reply = await exchange(listener.address.port, "GET /exit HTTP/1.1\r\n\r\n");
          expect(reply.bytes.length).toBe(0); // the thread died with the connection
          await vi.waitFor(() => expect(String(logged.mock.calls.at(-1)?.[0])).toMatch(/^Worker \d stopped unexpectedly \(exit code 3\); its connection is closed; starting a new thread\n$/));
        } finally {
          logged.mockRestore();
        }
        expect(pool.size).toBe(4);
        // Held long enough for the new thread to start and take the 4th job.
        expect(await concurrentWorkers(4, 1_500)).toEqual(new Set(["worker 0", "worker 1", "worker 2", "worker 3"]));
      });
    });
  });
}
