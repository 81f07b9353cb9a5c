// The ThreadPool as the 2018 edition and the Russian print finish it, their
// listings 20-23 … 20-25: one channel carries jobs and terminate messages,
// and `Drop` sends one `Terminate` per worker before it joins them.
import { SupervisedThread, exitWithError, type TcpStream } from "core";

/** The book's `enum Message { NewJob(Job), Terminate }`; a job is a connection, as in ../lib.ts. */
type Message = { readonly kind: "newJob"; readonly job: TcpStream } | { readonly kind: "terminate" };

/**
 * A fixed number of worker threads that handle connections. Messages wait
 * in one channel; whichever worker is idle takes the next one. Declare it
 * with `await using`: at the end of the scope it is dropped, as below.
 */
export class ThreadPool {
  readonly #workers: Worker[];
  /** The channel: messages no worker has taken yet, oldest first. */
  readonly #channel: Message[] = [];
  /** The workers waiting on the channel (`recv`), longest-waiting first. */
  readonly #idle: Worker[] = [];

  /**
   * Start `size` threads, each loading the module `job`, which must export
   * `handleConnection(stream: TcpStream)`. Like the book's `new`, it stops
   * the program when `size` is not at least 1: there `assert!` panics, here
   * one line says why.
   */
  constructor(size: number, job: URL) {
    if (!Number.isSafeInteger(size) || size < 1) {
      exitWithError(`a thread pool needs at least one thread, got ${size} (set POOL_SIZE to 1 or more)`);
    }
    this.#workers = Array.from({ length: size }, (_, id) => new Worker(id, job, (worker) => this.#recv(worker)));
  }

  /** Send the connection down the channel as `Message::NewJob`. */
  execute(job: TcpStream): void {
    this.#send({ kind: "newJob", job });
  }

  /** `sender.send(message)`: the longest-idle worker takes it, or it waits in the channel. */
  #send(message: Message): void {
    const worker = this.#idle.shift();
    if (worker) worker.take(message);
    else this.#channel.push(message);
  }

  /** An idle worker receives from the channel: the oldest message, or it waits for one. */
  #recv(worker: Worker): void {
    const message = this.#channel.shift();
    if (message) worker.take(message);
    else this.#idle.push(worker);
  }

  /**
   * The 2018 edition's `Drop for ThreadPool`: one `Terminate` per worker,
   * queued behind any job still in the channel, then each worker joined in
   * turn. Two loops, so that joining never waits on a worker that another
   * worker's terminate message was meant for.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    console.log("Sending terminate message to all workers.");
    for (const _ of this.#workers) this.#send({ kind: "terminate" });

    console.log("Shutting down all workers.");
    for (const worker of this.#workers) {
      console.log(`Shutting down worker ${worker.id}`);
      await worker.thread.join();
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

  /** The `match` on a received message: a job moves to the thread; `Terminate` ends its loop. */
  take(message: Message): void {
    if (message.kind === "newJob") this.thread.run(message.job);
    else this.thread.terminate();
  }
}
