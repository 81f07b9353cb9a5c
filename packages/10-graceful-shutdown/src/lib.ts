// The ThreadPool of stage 09, now with cleanup — listings 20-23 … 20-25
// (2018 edition), 20-22 … 20-24 (2021), 21-22 … 21-24 (2024):
// `[Symbol.asyncDispose]` is its `Drop`.
import { SupervisedThread, errorResponse, type TcpStream } from "core";

/** Why a ThreadPool could not be created: the book's `PoolCreationError`. */
export class PoolCreationError extends Error {
  override name = "PoolCreationError";
}

/** What `ThreadPool.build` returns: Rust's `Result<ThreadPool, PoolCreationError>`. */
export type BuildResult =
  | { readonly ok: true; readonly pool: ThreadPool }
  | { readonly ok: false; readonly error: PoolCreationError };

/**
 * A fixed number of worker threads that handle connections, so that a slow
 * request holds up one worker, not the server. Connections given to
 * `execute` wait in one queue; whichever worker is idle takes the next one.
 *
 * A job is not a closure, which cannot cross to another thread in
 * JavaScript: it is the connection itself, moved to the worker's thread,
 * where `handleConnection` from the `job` module runs on it.
 *
 * Declare it with `await using`: at the end of the scope the pool stops
 * taking jobs, its workers finish every job already given to it, and it
 * waits for each thread to exit, as dropping the book's pool does.
 */
export class ThreadPool {
  readonly #workers: Worker[];
  /** The channel: connections no worker has taken yet, oldest first. */
  readonly #queue: TcpStream[] = [];
  /** The workers waiting on the channel (`recv`), longest-waiting first. */
  readonly #idle: Worker[] = [];
  /** Set by dispose: the book's `sender` is dropped. */
  #closed = false;

  /**
   * Start `size` threads, each loading the module `job`, which must export
   * `handleConnection(stream: TcpStream)`.
   *
   * @throws {PoolCreationError} when `size` is not a whole number of at
   * least 1, where the book's `ThreadPool::new` panics.
   */
  constructor(size: number, job: URL) {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new PoolCreationError(`a thread pool needs at least one thread, got ${size} (set POOL_SIZE to 1 or more)`);
    }
    this.#workers = Array.from({ length: size }, (_, id) => new Worker(id, job, (worker) => this.#recv(worker)));
  }

  /** The constructor, returning its error as the book's `ThreadPool::build` returns a `Result`. */
  static build(size: number, job: URL): BuildResult {
    try {
      return { ok: true, pool: new ThreadPool(size, job) };
    } catch (error) {
      if (error instanceof PoolCreationError) return { ok: false, error };
      throw error;
    }
  }

  /** How many workers the pool has. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Send a connection down the channel: the longest-idle worker takes it,
   * or it waits in the queue. It moves, unread, to the worker's thread.
   *
   * @throws {Error} once the pool is being disposed: a dropped pool is gone.
   */
  execute(job: TcpStream): void {
    if (this.#closed) throw new Error("execute() on a ThreadPool that is shutting down");
    const worker = this.#idle.shift();
    if (worker) worker.thread.run(job);
    else this.#queue.push(job);
  }

  /** An idle worker receives from the channel: the oldest job, or it waits for one. */
  #recv(worker: Worker): void {
    const job = this.#queue.shift();
    if (job) worker.thread.run(job);
    else if (!this.#closed) this.#idle.push(worker);
  }

  /**
   * The book's `Drop for ThreadPool`: drop the sender (each worker takes what
   * is queued, then disconnects), and for each worker in turn print
   * `Shutting down worker <id>` and join its thread.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    for (const worker of this.#workers) worker.thread.disconnect();
    for (const worker of this.#workers) {
      console.log(`Shutting down worker ${worker.id}`);
      await worker.thread.join();
    }
    // Left only if no thread could start: say so rather than drop them.
    for (const job of this.#queue.splice(0)) {
      await job.writeAll(errorResponse(503, "no worker thread could take this connection"));
      job.close();
    }
  }
}

/** The script every worker thread runs: the loop of the book's `Worker::new`. */
const WORKER_SCRIPT = new URL("./worker.ts", import.meta.url);

/** The book's `Worker`: an id and a thread, which core replaces if it dies. */
class Worker {
  readonly id: number;
  readonly thread: SupervisedThread;

  constructor(id: number, job: URL, recv: (worker: Worker) => void) {
    this.id = id;
    this.thread = new SupervisedThread(WORKER_SCRIPT, { id, job: job.href }, () => recv(this));
  }
}
