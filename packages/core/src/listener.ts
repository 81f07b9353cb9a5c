import { createServer, type Server, type Socket } from "node:net";
import { addressFromEnv, urlOf, type Address } from "./config.ts";
import { StartupError, exitWithError, firstLine } from "./fatal.ts";
import { beginShutdown, newShutdownFlag } from "./deadlines.ts";
import { errorResponse } from "./http.ts";
import { log } from "./log.ts";
import { TcpStream, type StreamOptions } from "./stream.ts";

interface BindOptions extends StreamOptions {
  /** Where to listen; by default `HOST` and `PORT` from the environment, else 127.0.0.1:7878. */
  readonly address?: Address;
  /** Close the listener when this signal aborts (see `shutdownSignal()` for SIGINT and SIGTERM). */
  readonly signal?: AbortSignal;
}

const unresolved = (a: Address): string =>
  `the host name ${a.host} could not be resolved; set HOST to an address such as 127.0.0.1`;

const BIND_ERRORS: Readonly<Record<string, (a: Address) => string>> = {
  EADDRINUSE: (a) =>
    `${a.host}:${a.port} is already in use (is another stage still running?); stop it, or pick another port with PORT=…`,
  EACCES: (a) =>
    `no permission to listen on ${a.host}:${a.port}; ports below 1024 need privileges, pick another with PORT=…`,
  EADDRNOTAVAIL: (a) => `${a.host} is not an address of this machine; set HOST to one that is, such as 127.0.0.1`,
  ENOTFOUND: unresolved,
  EAI_AGAIN: unresolved,
};

/**
 * A listening TCP socket, like Rust's `TcpListener`: `bind` it, then iterate
 * over `incoming()` connections.
 */
export class TcpListener {
  /** The address actually bound (with the real port when `PORT=0`). */
  readonly address: Address;
  /** `http://host:port`, the URL a person can open. */
  readonly url: string;
  readonly #server: Server;
  readonly #options: StreamOptions;
  readonly #accepted: TcpStream[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  /** Shared with every connection this listener accepted, on whatever thread it is now. */
  readonly #shutdown = newShutdownFlag();
  readonly #serverClosed: Promise<void>;

  /** Wrap a node:net server that is already listening (made with `allowHalfOpen: true`). */
  constructor(server: Server, options: StreamOptions = {}) {
    const bound = server.address();
    if (!bound || typeof bound !== "object") throw new Error("the server is not listening on a TCP port");
    this.#server = server;
    this.address = { host: bound.address, port: bound.port };
    this.url = urlOf(this.address);
    this.#options = options;
    server.on("connection", (socket: Socket) => {
      // Wrapped at once, so that its error handler is in place even while
      // it waits for the loop to take it. (Its timeouts start only when it
      // is first read or written, which may be on another thread.)
      this.#accepted.push(new TcpStream({ socket, shutdown: this.#shutdown, options: this.#options }));
      if (this.#closed)
        void this.close(); // raced with close(): refuse it too
      else this.#notify();
    });
    // After listening, an 'error' is a failed accept (say, out of file
    // descriptors): report it and keep listening.
    server.on("error", (error) => log(`accepting a connection failed: ${firstLine(error)}; still listening`));
    this.#serverClosed = new Promise((resolve) => {
      server.once("close", () => {
        this.#closed = true;
        this.#notify();
        resolve();
      });
    });
  }

  /**
   * Bind and print the URL on one line, like `TcpListener::bind(…).unwrap()`,
   * except that a bad setting or a taken port prints one clear line on stderr
   * and exits with code 1 instead of panicking.
   */
  static async bind(options: BindOptions = {}): Promise<TcpListener> {
    try {
      const listener = await TcpListener.listen(options);
      console.log(`Listening on ${listener.url}`);
      return listener;
    } catch (error) {
      if (error instanceof StartupError) exitWithError(error.message);
      throw error;
    }
  }

  /** Bind without printing; a bad setting or a failure to bind throws a StartupError. */
  static listen(options: BindOptions = {}): Promise<TcpListener> {
    const wanted = options.address ?? addressFromEnv();
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    return new Promise((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => {
        const explain = BIND_ERRORS[error.code ?? ""];
        reject(
          new StartupError(
            explain ? explain(wanted) : `cannot listen on ${wanted.host}:${wanted.port}: ${firstLine(error)}`,
          ),
        );
      };
      server.once("error", failed);
      server.listen(wanted.port, wanted.host, () => {
        server.off("error", failed);
        const listener = new TcpListener(server, options);
        const signal = options.signal;
        if (signal?.aborted) void listener.close();
        else signal?.addEventListener("abort", () => void listener.close(), { once: true });
        resolve(listener);
      });
    });
  }

  /**
   * The accepted connections, one at a time, like `listener.incoming()`.
   * The iteration ends when the listener is closed.
   */
  async *incoming(): AsyncGenerator<TcpStream, void, undefined> {
    for (;;) {
      if (this.#closed) return;
      const stream = this.#accepted.shift();
      if (stream) {
        yield stream;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /**
   * Stop accepting. `incoming()` then ends. Connections that the operating
   * system had already accepted but `incoming()` has not yet given out get
   * a `503 Service Unavailable` rather than silence. Connections already
   * given out, here or on other threads, finish their requests, except one
   * that has not sent a byte yet: it has no request in progress, and is
   * closed if nothing arrives within SHUTDOWN_GRACE_MS of the later of this
   * call and the start of its reading. The promise resolves once every
   * connection handled on this thread has closed (those moved to other
   * threads no longer count).
   */
  close(): Promise<void> {
    beginShutdown(this.#shutdown);
    if (!this.#closed) {
      this.#closed = true;
      this.#notify();
    }
    for (const stream of this.#accepted.splice(0)) {
      log(`${stream.peer}: 503: the server is shutting down`);
      void stream.writeAll(errorResponse(503, "the server is shutting down")).then(() => stream.close());
    }
    if (this.#server.listening) this.#server.close();
    return this.#serverClosed;
  }

  /** `await using listener = …` closes it at the end of the scope, like Rust's `Drop`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
