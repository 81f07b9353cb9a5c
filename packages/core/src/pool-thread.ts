// What is under the stages' ThreadPool and is not the book's lesson: a
// thread that is replaced when it dies, the typed messages between the pool
// and its threads, and loading the job module. The pool itself (the queue,
// the idle workers, `execute`, the cleanup) stays in the stages.
import { flushCompileCache } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parentPort, Worker, workerData, type MessagePort, type Transferable } from "node:worker_threads";
import { inspect } from "node:util";
import { firstLine } from "./fatal.ts";
import { log } from "./log.ts";
import { TcpStream, type MovedConnection, type ThreadPort } from "./stream.ts";

/** A message as one line for the log, whatever it holds (a BigInt, a cycle): util.inspect never throws on those. */
function shown(message: unknown): string {
  return firstLine(inspect(message, { depth: 3, breakLength: Number.POSITIVE_INFINITY }));
}

/**
 * What the pool sends one of its threads: a job, or that its loop is over,
 * because the channel is closed (`disconnect`, the 2021 and 2024 editions)
 * or because it took the 2018 edition's `Message::Terminate` (`terminate`).
 */
export type ToThread =
  | { readonly kind: "job"; readonly connection: MovedConnection }
  | { readonly kind: "disconnect" }
  | { readonly kind: "terminate" };

/** What a thread sends back: it has loaded its job module (`ready`), or finished a job (`done`). */
export type FromThread = { readonly kind: "ready" } | { readonly kind: "done" };

/** What every pool thread is given as its `workerData`: the worker's id, for its log lines, and more. */
export interface PoolThreadData {
  readonly id: number;
  readonly [name: string]: unknown;
}

/** How long to wait before starting again a thread that died before it was ready: it would most likely die again. */
export const RESTART_DELAY_MS = 1_000;

/**
 * V8's heap limits for each pool thread, in MB. A pool thread handles one
 * request at a time and keeps almost nothing between requests, yet under
 * load V8 lets each thread's heap grow as far as the main thread's (about
 * 80 MB each in `pnpm bench`). A 2 MB young generation (more, shorter minor
 * collections) and a 32 MB old generation (several times what a thread
 * keeps) hold a pool of 4 to about 20 MB of heap per thread. A thread that
 * needs more than 32 MB fails with ERR_WORKER_OUT_OF_MEMORY, is logged in
 * one line, and is replaced.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 };

/**
 * The environment of a pool thread: the process's, with Node.js's compile
 * cache on (`NODE_COMPILE_CACHE`, in the folder `module.enableCompileCache()`
 * uses by default) unless the environment already sets or disables it. A
 * thread then loads the TypeScript sources that an earlier thread stripped of
 * their types from the cache, and never loads the type stripper itself,
 * about 7 MB per thread. The cache checks each file's contents, so an edited
 * source is stripped again.
 */
function threadEnv(): NodeJS.ProcessEnv {
  const { env } = process;
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return env;
  return { ...env, NODE_COMPILE_CACHE: join(tmpdir(), "node-compile-cache") };
}

const isFromThread = (message: unknown): message is FromThread =>
  typeof message === "object" && message !== null && ["ready", "done"].includes((message as FromThread).kind);

/**
 * One thread of a pool, supervised: the `thread` of the book's `Worker`.
 *
 * It runs `script` on a worker thread with `workerData`. The thread says it
 * is ready, then finishes jobs one at a time; each time it can take a job,
 * `onIdle` is called, and the pool answers with `run(job)` or keeps it idle.
 * If the thread dies, the job it had is lost (the connection is closed and
 * logged) and a new thread takes its place under the same id, at once, or
 * after `RESTART_DELAY_MS` if it died before it was ready. A job given while
 * a replacement starts waits for it. Any other message from the thread is
 * logged as an error and ignored.
 */
export class SupervisedThread {
  readonly #script: URL;
  readonly #data: PoolThreadData;
  readonly #onIdle: () => void;
  /** The running thread; undefined while a replacement waits for its delay. */
  #thread: Worker | undefined;
  #restart: NodeJS.Timeout | undefined;
  /** The thread has loaded its job module and can take jobs. */
  #ready = false;
  /** The pool has been told that this thread is idle, and has not given it a job since. */
  #idleTold = false;
  /** A job was given and the thread has not finished it. */
  #busy = false;
  /** A job given while no thread was ready, sent as soon as one is. */
  #waiting: TcpStream | undefined;
  #disconnecting = false;
  #disconnectSent = false;
  readonly #exited: Promise<void>;
  #markExited: () => void = () => {};

  constructor(script: URL, workerData: PoolThreadData, onIdle: () => void) {
    this.#script = script;
    this.#data = workerData;
    this.#onIdle = onIdle;
    this.#exited = new Promise((resolve) => (this.#markExited = resolve));
    this.#thread = this.#spawn();
  }

  /** The worker's id, as given in `workerData`. */
  get id(): number {
    return this.#data.id;
  }

  /**
   * Move `job` to the thread, which handles it and then becomes idle again.
   * Call it only once `onIdle` has said that the thread is idle.
   */
  run(job: TcpStream): void {
    this.#idleTold = false;
    this.#busy = true;
    const thread = this.#thread;
    if (!thread || !this.#ready) {
      this.#waiting = job;
      return;
    }
    // The connection travels inside a `job` message: wrap what moveTo posts.
    const port: ThreadPort = {
      postMessage: (connection, transfer) =>
        thread.postMessage(
          { kind: "job", connection: connection as MovedConnection } satisfies ToThread,
          transfer as Transferable[],
        ),
    };
    job.moveTo(port);
  }

  /**
   * No more jobs will come: the book's closed channel. The thread finishes
   * its job, if it has one, and is idle one last time (`onIdle` may still
   * give it a queued job); once idle without a job it is told to stop, and
   * its loop over `receiveJobs()` ends. A thread that is not running is not
   * started again.
   */
  disconnect(): void {
    this.#disconnecting = true;
    if (!this.#thread) this.#finish();
    else if (this.#ready && !this.#busy) this.#sendDisconnect();
  }

  /**
   * The 2018 edition's `Message::Terminate`, taken off the pool's channel by
   * this thread: it is told to stop now, its loop over `receiveJobs()` ends,
   * and it is not started again. Call it when `onIdle` has said that the
   * thread is idle, as only a worker waiting on the channel takes a message.
   */
  terminate(): void {
    this.#disconnecting = true;
    if (!this.#thread) this.#finish();
    else this.#sendDisconnect("terminate");
  }

  /** Resolves once the thread has exited for good, after `disconnect()` or `terminate()`: `JoinHandle::join`. */
  join(): Promise<void> {
    return this.#exited;
  }

  #spawn(): Worker {
    const thread = new Worker(this.#script, {
      workerData: this.#data,
      resourceLimits: RESOURCE_LIMITS,
      env: threadEnv(),
    });
    thread.on("message", (message: unknown) => this.#message(message));
    thread.on("error", (error) => log(`Worker ${this.id} failed: ${firstLine(error)}`));
    thread.on("exit", (code) => this.#exit(code));
    return thread;
  }

  #message(message: unknown): void {
    if (!isFromThread(message)) {
      log(`Worker ${this.id} sent a message the pool does not know: ${shown(message)}`);
      return;
    }
    if (message.kind === "ready") this.#ready = true;
    else this.#busy = false;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      this.run(waiting);
      return;
    }
    if (this.#busy) return;
    if (!this.#idleTold) {
      this.#idleTold = true;
      this.#onIdle();
    }
    if (this.#disconnecting && !this.#busy) this.#sendDisconnect();
  }

  #sendDisconnect(kind: "disconnect" | "terminate" = "disconnect"): void {
    if (this.#disconnectSent) return;
    this.#disconnectSent = true;
    this.#thread?.postMessage({ kind } satisfies ToThread);
  }

  #exit(code: number): void {
    const { id } = this;
    const wasReady = this.#ready;
    const lost = this.#busy && !this.#waiting ? "; its connection is closed" : "";
    this.#thread = undefined;
    this.#ready = false;
    if (this.#disconnectSent) {
      if (code !== 0) log(`Worker ${id} exited with code ${code} while shutting down`);
      this.#finish();
      return;
    }
    if (!this.#waiting) this.#busy = false;
    if (this.#disconnecting) {
      log(`Worker ${id} stopped unexpectedly (exit code ${code})${lost}; not replaced during shutdown`);
      this.#finish();
      return;
    }
    log(`Worker ${id} stopped unexpectedly (exit code ${code})${lost}; starting a new thread`);
    this.#restart = setTimeout(
      () => {
        this.#restart = undefined;
        this.#thread = this.#spawn();
      },
      wasReady ? 0 : RESTART_DELAY_MS,
    );
  }

  #finish(): void {
    clearTimeout(this.#restart);
    this.#restart = undefined;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.close();
    this.#markExited();
  }
}

const isToThread = (message: unknown): message is ToThread => {
  const kind = (message as ToThread | null)?.kind;
  return (
    kind === "disconnect" ||
    kind === "terminate" ||
    (kind === "job" && typeof (message as { connection?: unknown }).connection === "object")
  );
};

/**
 * The thread side of a pool thread: the jobs the pool sends, one at a time,
 * each as a `TcpStream`, like the book's `receiver.recv()` in a loop. The
 * first call says `ready`; asking for the next job says `done`. The
 * iteration ends when the pool disconnects (the book's `Err` from `recv`)
 * or terminates the thread (the 2018 edition's `Message::Terminate`), and
 * the thread can then exit. Runs only on a pool thread.
 */
export async function* receiveJobs(): AsyncGenerator<TcpStream, void, undefined> {
  const port: MessagePort | null = parentPort;
  if (!port) throw new Error("receiveJobs() runs on a thread of a ThreadPool, not on the main thread");
  const inbox: ToThread[] = [];
  let wake: (() => void) | undefined;
  const onMessage = (message: unknown): void => {
    if (!isToThread(message)) {
      log(`Worker ${(workerData as PoolThreadData).id} got a message it does not know: ${shown(message)}`);
      return;
    }
    inbox.push(message);
    wake?.();
  };
  port.on("message", onMessage);
  try {
    port.postMessage({ kind: "ready" } satisfies FromThread);
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const message = inbox.shift() as ToThread;
      if (message.kind !== "job") return;
      yield new TcpStream(message.connection);
      port.postMessage({ kind: "done" } satisfies FromThread);
    }
  } finally {
    port.off("message", onMessage);
    port.close(); // nothing else keeps the thread alive, so it exits
  }
}

/** What a job module exports: the stage's `handleConnection`. */
export type ConnectionHandler = (stream: TcpStream) => void | Promise<void>;

/**
 * Load the job module at `url` on a pool thread and return its
 * `handleConnection`.
 *
 * @throws {Error} one line naming the module when it does not export a
 * function `handleConnection`; the pool logs it and tries a new thread.
 */
export async function importJob(url: string | URL): Promise<ConnectionHandler> {
  const module = (await import(String(url))) as { handleConnection?: unknown };
  if (typeof module.handleConnection !== "function") {
    throw new Error(`the job module ${String(url)} does not export a function handleConnection(stream)`);
  }
  // Write what this thread compiled to the cache now, for the threads that
  // start later (see threadEnv); a process that is killed never writes it.
  flushCompileCache();
  return module.handleConnection as ConnectionHandler;
}
