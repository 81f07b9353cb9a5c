import { BroadcastChannel } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exchange, get, parseResponse } from "./client.ts";
import { HELD_JOBS, HOLD_LIMIT_MS, type HeldMessage, type Release, type Started } from "./fixtures/held.ts";

// testkit cannot depend on core (core's tests use testkit), so the stage
// passes core's TcpListener in, and the types here say only what is used.

/** The part of core's TcpListener these tests use. */
interface Listener<Stream> {
  readonly address: { readonly port: number };
  incoming(): AsyncIterable<Stream>;
  close(): Promise<void>;
}

/** What the pool tests need of a stage's ThreadPool (09's, and 10's with its cleanup). */
interface Pool<Stream = never> {
  readonly size: number;
  execute(stream: Stream): void;
}

interface PoolLibrary<Stream> {
  /** core's TcpListener, which gives the connections. */
  readonly TcpListener: {
    listen(options: { address: { host: string; port: number } }): Promise<Listener<Stream>>;
  };
  readonly ThreadPool: {
    new (size: number, job: URL): Pool<Stream>;
    build(
      size: number,
      job: URL,
    ): { readonly ok: true; readonly pool: Pool<Stream> } | { readonly ok: false; readonly error: Error };
  };
  readonly PoolCreationError: new (...args: never[]) => Error;
  /** Stop a pool's threads after the tests, for a pool that can. */
  readonly dispose?: (pool: Pool<Stream>) => Promise<void>;
}

const JOBS = new URL("./fixtures/jobs.ts", import.meta.url);

/**
 * How long the tests wait for held jobs to start. A bound for a pool that
 * is broken, not a speed: on a loaded machine a new thread takes a second or
 * more to load its modules, and a held job waits for nothing else.
 */
const START_LIMIT_MS = 20_000;
/** The timeout of each request; a held job answers only once released. */
const REPLY_LIMIT_MS = HOLD_LIMIT_MS;

/**
 * The test's end of the HELD_JOBS channel: which held jobs have started,
 * and on which worker and thread.
 */
class HeldJobs {
  readonly #channel = new BroadcastChannel(HELD_JOBS);
  readonly #started = new Map<string, Started>();
  readonly #watchers = new Set<() => void>();

  constructor() {
    this.#channel.onmessage = ({ data }) => {
      const message = data as HeldMessage;
      if (message.kind !== "started") return;
      this.#started.set(message.tag, message);
      for (const watch of this.#watchers) watch();
    };
  }

  /** Resolve once every job of `tags` has started; reject, naming those that did, after START_LIMIT_MS. */
  started(tags: readonly string[]): Promise<Started[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = tags.flatMap((tag) => this.#started.get(tag) ?? []);
        if (found.length < tags.length) return;
        stop();
        resolve(found);
      };
      const timer = setTimeout(() => {
        stop();
        const seen = tags.flatMap((tag) => this.#started.get(tag) ?? []).map((job) => `worker ${job.worker}`);
        reject(
          new Error(
            `${seen.length} of ${tags.length} jobs sent at once were running after ${START_LIMIT_MS} ms (${seen.join(", ") || "none"}); each holds its worker, so the pool runs fewer side by side`,
          ),
        );
      }, START_LIMIT_MS);
      const stop = (): void => {
        clearTimeout(timer);
        this.#watchers.delete(check);
      };
      this.#watchers.add(check);
      check();
    });
  }

  release(tags: readonly string[]): void {
    for (const tag of tags) this.#channel.postMessage({ kind: "release", tag } satisfies Release);
  }

  close(): void {
    this.#channel.close();
  }
}

const IDS = [0, 1, 2, 3];
const STOPPED =
  /^Worker (\d+) stopped unexpectedly \(exit code 3\); its connection is closed; starting a new thread\n$/;

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

    // No test here waits for a while and hopes: a held job keeps its worker
    // busy until the test releases it, so "4 jobs at once on 4 workers" is
    // seen as 4 jobs running at the same moment, however slowly the machine
    // starts the pool's threads.
    describe("with a pool of 4 and connections from a real listener", () => {
      let listener: Listener<Stream>;
      let pool: Pool<Stream>;
      let held: HeldJobs;
      let jobs = 0;
      beforeAll(async () => {
        held = new HeldJobs();
        listener = await lib.TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
        const built = lib.ThreadPool.build(4, JOBS);
        if (!built.ok) throw built.error;
        pool = built.pool;
        void (async () => {
          for await (const stream of listener.incoming()) pool.execute(stream);
        })();
      });
      afterAll(async () => {
        held.close();
        await listener.close();
        await lib.dispose?.(pool);
      });

      /**
       * Send `count` held jobs at once, wait until all of them are running,
       * then release them and check their answers. Resolves with where each
       * ran; the jobs are released even when they did not all start.
       */
      const runHeld = async (count: number): Promise<Started[]> => {
        const tags = Array.from({ length: count }, () => `job-${++jobs}`);
        const replies = Promise.allSettled(
          tags.map((tag) => get(listener.address.port, `/hold/${tag}`, REPLY_LIMIT_MS)),
        );
        let started: Started[];
        try {
          started = await held.started(tags);
        } finally {
          held.release(tags);
        }
        const answers = (await replies).map((reply) =>
          reply.status === "fulfilled" ? reply.value.body.toString() : String(reply.reason),
        );
        expect(answers).toEqual(started.map((job) => `worker ${job.worker}`));
        return started;
      };
      const workersOf = (jobs: readonly Started[]): number[] => jobs.map((job) => job.worker).sort((a, b) => a - b);
      const threadOf = (jobs: readonly Started[], worker: number): number | undefined =>
        jobs.find((job) => job.worker === worker)?.threadId;

      it("runs 4 jobs at once on 4 distinct workers, ids 0…3, each on a thread of its own", async () => {
        // Twice: first while the threads may still be starting (the jobs
        // wait in the queue, and each thread takes one as it becomes ready),
        // then with the workers idle, where each idle worker must take one.
        for (let round = 0; round < 2; round++) {
          const started = await runHeld(4);
          expect(workersOf(started)).toEqual(IDS);
          expect(new Set(started.map((job) => job.threadId)).size).toBe(4);
        }
      });

      it("a job that throws gives its request a 500, and the pool keeps its size and keeps working", async () => {
        const quiet = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        try {
          const reply = await exchange(listener.address.port, "GET /throw HTTP/1.1\r\n\r\n", REPLY_LIMIT_MS);
          expect(parseResponse(reply.bytes).statusLine).toBe("HTTP/1.1 500 Internal Server Error");
        } finally {
          quiet.mockRestore();
        }
        expect(pool.size).toBe(4);
        expect(workersOf(await runHeld(4))).toEqual(IDS);
      });

      it("a worker whose thread dies is replaced under the same id, by a new thread", async () => {
        const before = await runHeld(4);
        const logged = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        let line: string;
        try {
          const reply = await exchange(listener.address.port, "GET /exit HTTP/1.1\r\n\r\n", REPLY_LIMIT_MS);
          expect(reply.bytes.length).toBe(0); // the thread died with the connection
          line = await vi.waitFor(
            () => {
              const found = logged.mock.calls.map(([text]) => String(text)).find((text) => STOPPED.test(text));
              if (!found) throw new Error("no line saying that a worker stopped unexpectedly (exit code 3)");
              return found;
            },
            { timeout: START_LIMIT_MS, interval: 20 },
          );
        } finally {
          logged.mockRestore();
        }
        const died = Number(STOPPED.exec(line)?.[1]);
        expect(pool.size).toBe(4);
        // The 4th held job waits in the queue until the new thread is ready.
        const after = await runHeld(4);
        expect(workersOf(after)).toEqual(IDS);
        for (const id of IDS) {
          if (id === died) expect(threadOf(after, id)).not.toBe(threadOf(before, id));
          else expect(threadOf(after, id)).toBe(threadOf(before, id));
        }
      });
    });
  });
}
