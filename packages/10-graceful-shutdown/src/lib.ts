// The ThreadPool of stage 09, now with cleanup — listings 20-22 … 20-25
// (21-22 … 21-25 in the 2024 edition): `[Symbol.asyncDispose]` is its `Drop`.
import { Worker as Thread } from "node:worker_threads";
import { errorResponse, firstLine, log, type TcpStream } from "core";

/** Why a ThreadPool could not be created: the book's `PoolCreationError`. */
export class PoolCreationError extends Error {
  override name = "PoolCreationError";
}

/** What `ThreadPool.build` returns: Rust's `Result<ThreadPool, PoolCreationError>`. */
export type BuildResult = { readonly ok: true; readonly pool: ThreadPool } | { readonly ok: false; readonly error: PoolCreationError };

/**
 * A fixed number of worker threads that handle connections, so that a slow
 * request holds up one worker, not the server, and the number of threads
 * has a bound. Connections given to `execute` wait in one queue; whichever
 * worker is idle takes the next one.
 *
 * Unlike the book's pool, a job is not a closure, which cannot cross to
 * another thread in JavaScript: it is the connection itself, moved to the
 * worker's thread, and every worker runs `handleConnection` from the `job`
 * module on it.
 *
 * Declare it with `await using`: at the end of the scope the pool stops
 * taking jobs, lets its workers finish every job already given to it, and
 * waits for each thread to exit, as dropping the book's pool does.
 */
export class ThreadPool {
  /** The workers, with ids 0…size-1: the book's `workers: Vec<Worker>`. */
  readonly #workers: Worker[];
  /** The channel: connections waiting for a worker, oldest first. */
  readonly #queue: TcpStream[] = [];
  /** The receiving end each idle worker waits on, in the order they became idle. */
  readonly #idle: Worker[] = [];
  /** Set by dispose: the book's `sender` is dropped, no more jobs come. */
  #closed = false;

  /**
   * Create a pool of `size` threads, each loading the module `job`, which
   * must export `handleConnection(stream: TcpStream)`.
   *
   * @throws {PoolCreationError} when `size` is not a whole number of at
   * least 1, where the book's `ThreadPool::new` panics.
   */
  constructor(size: number, job: URL) {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new PoolCreationError(`a thread pool needs at least one thread, got ${size} (set POOL_SIZE to 1 or more)`);
    }
    this.#workers = Array.from({ length: size }, (_, id) => new Worker(id, job, this.#callbacks));
  }

  /**
   * Like the constructor, but it returns the error instead of throwing it,
   * as the book's `ThreadPool::build` returns a `Result`.
   */
  static build(size: number, job: URL): BuildResult {
    try {
      return { ok: true, pool: new ThreadPool(size, job) };
    } catch (error) {
      if (error instanceof PoolCreationError) return { ok: false, error };
      throw error;
    }
  }

  /** How many workers the pool has; a worker whose thread dies is replaced. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Hand a connection to the pool. An idle worker takes it at once;
   * otherwise it waits in the queue for the first worker to become idle.
   * It is not read on this thread: it moves, untouched, to the worker's.
   *
   * @throws {Error} once the pool is being disposed, as Rust would not let
   * a dropped pool be used.
   */
  execute(job: TcpStream): void {
    if (this.#closed) throw new Error("execute() on a ThreadPool that is shutting down");
    const worker = this.#idle.shift();
    if (worker) worker.run(job);
    else this.#queue.push(job);
  }

  /**
   * Shut the pool down, as the book's `Drop for ThreadPool` does: no new
   * jobs; each worker finishes the queued ones, then is told to stop; for
   * each worker in turn, print `Shutting down worker <id>` and wait for its
   * thread to exit. `await using pool = …` calls this at the end of the scope.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    for (const worker of this.#idle.splice(0)) worker.disconnect();
    for (const worker of this.#workers) {
      console.log(`Shutting down worker ${worker.id}`);
      await worker.join();
    }
    // Left only if threads could not start at all: say so rather than drop them.
    for (const job of this.#queue.splice(0)) {
      await job.writeAll(errorResponse(503, "no worker thread could take this connection"));
      job.close();
    }
  }

  readonly #callbacks: WorkerCallbacks = {
    idle: (worker) => {
      const job = this.#queue.shift();
      if (job) worker.run(job);
      else if (this.#closed) worker.disconnect();
      else this.#idle.push(worker);
    },
    lost: (worker) => {
      const index = this.#idle.indexOf(worker);
      if (index !== -1) this.#idle.splice(index, 1);
      return this.#closed;
    },
  };
}

/** How a Worker tells its pool that it can take a job, or has lost its thread. */
interface WorkerCallbacks {
  idle(worker: Worker): void;
  /** Returns true when the pool is shutting down. */
  lost(worker: Worker): boolean;
}

/** The script every worker thread runs: the loop of the book's `Worker::new`. */
const WORKER_SCRIPT = new URL("./worker.ts", import.meta.url);

/**
 * One thread of the pool, seen from the pool: the book's `Worker`, with an
 * `id` and its `thread`. If the thread dies (the job module crashed it), a
 * new thread takes its place under the same id, unless the worker has been
 * told to stop.
 */
class Worker {
  readonly id: number;
  readonly #job: URL;
  readonly #pool: WorkerCallbacks;
  #thread: Thread;
  #busy = false;
  #ready = false;
  #stopping = false;
  readonly #exited: Promise<void>;
  #markExited: () => void = () => {};

  constructor(id: number, job: URL, pool: WorkerCallbacks) {
    this.id = id;
    this.#job = job;
    this.#pool = pool;
    this.#exited = new Promise((resolve) => (this.#markExited = resolve));
    this.#thread = this.#spawn();
  }

  /** Tell the thread that no more jobs will come: the book's closed channel. */
  disconnect(): void {
    this.#stopping = true;
    this.#thread.postMessage("disconnect");
  }

  /** Wait until the thread has exited, like `JoinHandle::join`. */
  join(): Promise<void> {
    return this.#exited;
  }

  /** Move `job` to this worker's thread, which handles it and reports back. */
  run(job: TcpStream): void {
    this.#busy = true;
    job.moveTo(this.#thread);
  }

  #spawn(): Thread {
    const thread = new Thread(WORKER_SCRIPT, { workerData: { id: this.id, job: this.#job.href } });
    // The thread says "ready" once it has loaded the job module, and "done"
    // after each job; either way, it is idle.
    thread.on("message", () => {
      this.#busy = false;
      this.#ready = true;
      this.#pool.idle(this);
    });
    thread.on("error", (error) => log(`Worker ${this.id} failed: ${firstLine(error)}`));
    thread.on("exit", (code) => this.#replace(code));
    return thread;
  }

  #replace(code: number): void {
    if (this.#stopping) {
      if (code !== 0) log(`Worker ${this.id} exited with code ${code} while shutting down`);
      this.#markExited();
      return;
    }
    const shuttingDown = this.#pool.lost(this);
    const lost = this.#busy ? "; its connection is closed" : "";
    if (shuttingDown && !this.#ready) {
      // It never started, and the pool is closing: do not try again for ever.
      log(`Worker ${this.id} stopped unexpectedly (exit code ${code})${lost}; not replaced during shutdown`);
      this.#markExited();
      return;
    }
    log(`Worker ${this.id} stopped unexpectedly (exit code ${code})${lost}; starting a new thread`);
    this.#busy = false;
    // A thread that died before it was ready would most likely die again:
    // wait a second, so that a broken job module does not spin the CPU.
    const delay = this.#ready ? 0 : 1_000;
    this.#ready = false;
    setTimeout(() => {
      if (this.#stopping) this.#markExited();
      else this.#thread = this.#spawn();
    }, delay);
  }
}
