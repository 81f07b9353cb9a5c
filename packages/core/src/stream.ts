import type { Socket } from "node:net";
import type { Transferable } from "node:worker_threads";
import { firstLine } from "./fatal.ts";
import { HttpError, checkFraming, errorResponse, parseFieldLine, parseRequestLine, type Request } from "./http.ts";
import { LineReader } from "./line-reader.ts";
import {
  HEAD_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  LINGER_MAX_BYTES,
  LINGER_MS,
  MAX_HEAD_BYTES,
  MAX_HEADER_FIELDS,
  MAX_REQUEST_LINE_BYTES,
} from "./limits.ts";
import { log } from "./log.ts";

/** Per-connection settings; the defaults are the limits in limits.ts. */
export interface StreamOptions {
  /** How long the client has, from connecting, to send a whole request head. */
  readonly headTimeoutMs?: number;
  /** How long a connection may go without any traffic before it is dropped. */
  readonly idleTimeoutMs?: number;
}

/** Something a connection can be moved to: a `Worker`, or a `MessagePort`. */
export interface ThreadPort {
  postMessage(message: unknown, transfer: readonly Transferable[]): void;
}

/** The message that carries a moved connection to another thread. */
export interface MovedConnection {
  readonly socket: Socket;
}

/** The client closed its side, or the connection failed, before a whole head arrived. */
class ClientGone extends Error {}

const HANGUPS = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_WRITE_AFTER_END", "ERR_STREAM_DESTROYED"]);

/**
 * One accepted connection: Rust's `TcpStream` with a `BufReader` over it.
 * Nothing a client does (bad bytes, a reset, silence) makes a method throw:
 * core logs one line, answers where HTTP says to, and closes.
 */
export class TcpStream {
  /** The client's address, `host:port`, for logs. */
  readonly peer: string;
  readonly #socket: Socket;
  readonly #headTimeoutMs: number;
  #reader: LineReader | undefined;
  #headTimer: NodeJS.Timeout | undefined;
  #headBytes = 0;
  #wrote = false;
  #closing = false;

  readonly #idleTimeoutMs: number;
  readonly #onError: (error: NodeJS.ErrnoException) => void;
  #timing = false;

  /**
   * Wrap an accepted socket, or one moved here from another thread (see
   * `moveTo`). The head and idle timeouts start when the stream is first
   * read or written, so a connection waiting in a queue is not timed out.
   */
  constructor(socket: Socket, options: StreamOptions = {}) {
    this.#socket = socket;
    // Our close() shuts our side after the client has shut its own.
    socket.allowHalfOpen = true;
    this.peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
    this.#headTimeoutMs = options.headTimeoutMs ?? HEAD_TIMEOUT_MS;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    // Without an 'error' listener, a client's reset would crash the process.
    this.#onError = (error) => {
      const code = error.code ?? "";
      log(`${this.peer}: ${HANGUPS.has(code) ? "the client hung up" : firstLine(error)} (${code || error.name})`);
    };
    socket.on("error", this.#onError);
  }

  /**
   * Move the connection to another thread, as Rust moves a `TcpStream` into
   * a closure: `port.postMessage({ socket }, [socket])`. The receiving thread
   * wraps `message.socket` in a new TcpStream. Only a connection that has
   * not been read or written can move; afterwards this stream is empty.
   */
  moveTo(port: ThreadPort): void {
    if (this.#timing || this.#closing) throw new Error("only an untouched connection can move to another thread");
    this.#closing = true;
    this.#socket.off("error", this.#onError);
    const message: MovedConnection = { socket: this.#socket };
    // A net.Socket is transferable since Node.js 24.20; the types do not list it yet.
    port.postMessage(message, [this.#socket as unknown as Transferable]);
  }

  /** True once something was written, or the connection is closing. */
  get answered(): boolean {
    return this.#wrote || this.#closing;
  }

  /**
   * The lines of the request head, decoded as UTF-8 (bytes that are not
   * UTF-8 become U+FFFD), up to and including the empty line that ends the
   * head: the book's `BufReader::new(&stream).lines()`. Either line ending
   * (CRLF or LF) is accepted. Iteration ends early when the client hangs up
   * (a last unterminated line is still given, as Rust's does), or, with a
   * line on stderr and the connection closed, when the head grows past
   * MAX_HEAD_BYTES or is not complete within the head timeout.
   */
  async *lines(): AsyncGenerator<string, void, undefined> {
    for (;;) {
      const read = await this.#lines().readLine(MAX_HEAD_BYTES - this.#headBytes);
      switch (read.kind) {
        case "line":
          this.#headBytes += read.consumed;
          if (read.bytes.length === 0) {
            this.#headComplete();
            yield "";
            return;
          }
          yield read.bytes.toString("utf8");
          continue;
        case "end":
          if (read.partial.length > 0) yield read.partial.toString("utf8");
          return;
        case "too-long":
          log(`${this.peer}: the request head is over ${MAX_HEAD_BYTES} bytes; closing`);
          this.close();
          return;
        case "stopped":
          if (read.reason === "timeout") {
            log(`${this.peer}: no complete request head within ${this.#headTimeoutMs / 1000} s; closing`);
            this.close();
          }
          return;
      }
    }
  }

  /**
   * Read and check a request head (RFC 9112). Returns the request, or
   * `undefined` when there is nothing for the stage to do: core has then
   * answered a bad request (400, 408, 414 or 431) or seen the client leave,
   * and closed the connection.
   */
  async readRequest(): Promise<Request | undefined> {
    try {
      let first: Buffer;
      do {
        // Empty lines before the request line are skipped (RFC 9112 §2.2).
        const budget = MAX_HEAD_BYTES - this.#headBytes;
        first = budget < MAX_REQUEST_LINE_BYTES
          ? await this.#headLine(budget, 431, `the request head is over ${MAX_HEAD_BYTES} bytes`)
          : await this.#headLine(MAX_REQUEST_LINE_BYTES, 414, `the request line is over ${MAX_REQUEST_LINE_BYTES} bytes`);
      } while (first.length === 0);
      const requestLine = parseRequestLine(first);
      const headers: Array<[string, string]> = [];
      for (;;) {
        const line = await this.#headLine(
          MAX_HEAD_BYTES - this.#headBytes,
          431,
          `the request head is over ${MAX_HEAD_BYTES} bytes`,
        );
        if (line.length === 0) break;
        if (headers.length === MAX_HEADER_FIELDS) {
          throw new HttpError(431, `the request has more than ${MAX_HEADER_FIELDS} header fields`);
        }
        headers.push(parseFieldLine(line));
      }
      checkFraming(headers);
      this.#headComplete();
      return { ...requestLine, headers };
    } catch (error) {
      if (error instanceof HttpError) {
        log(`${this.peer}: ${error.status}: ${error.message}`);
        await this.writeAll(errorResponse(error.status, error.message));
      } else if (!(error instanceof ClientGone)) {
        throw error;
      }
      this.close();
      return undefined;
    }
  }

  /**
   * Write all of `data` (a string is sent as UTF-8), like `write_all`. The
   * promise resolves once the bytes are handed to the operating system. It
   * never rejects: if the client has gone, core logs it and the bytes are
   * dropped, so a stage needs no error handling for a client hanging up.
   */
  writeAll(data: string | Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (this.#closing || socket.destroyed || !socket.writable) return Promise.resolve();
    this.#startTimers();
    this.#wrote = true;
    return new Promise((resolve) => {
      socket.write(data, () => resolve());
    });
  }

  /**
   * Close the connection, as dropping a `TcpStream` does in Rust: what was
   * written is still delivered, then our side is shut. What the client still
   * sends is read and dropped for a short while (LINGER_MS, LINGER_MAX_BYTES),
   * so that our kernel does not answer it with a reset that could destroy the
   * response before the client has read it.
   */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    clearTimeout(this.#headTimer);
    this.#reader?.stop("closed");
    const socket = this.#socket;
    if (socket.destroyed) return;
    if (socket.readableEnded) {
      // The client has closed its side already: send what is left, then go.
      socket.destroySoon();
      return;
    }
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once("close", () => clearTimeout(linger));
    // When the client has closed its side too and our bytes are out, we are done.
    socket.once("end", () => {
      if (socket.writableFinished) socket.destroy();
      else socket.once("finish", () => socket.destroy());
    });
    let discarded = 0;
    socket.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_MAX_BYTES) socket.destroy();
    });
    socket.end();
    socket.resume();
  }

  /** `using stream = …` closes it at the end of the scope, like Rust's `Drop`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #lines(): LineReader {
    if (!this.#reader) {
      this.#reader = new LineReader(this.#socket);
      this.#startTimers();
      this.#headTimer = setTimeout(() => this.#lines().stop("timeout"), this.#headTimeoutMs);
      this.#headTimer.unref();
    }
    return this.#reader;
  }

  #startTimers(): void {
    if (this.#timing) return;
    this.#timing = true;
    const socket = this.#socket;
    socket.setTimeout(this.#idleTimeoutMs, () => {
      log(`${this.peer}: no traffic for ${this.#idleTimeoutMs / 1000} s; dropping the connection`);
      socket.destroy();
    });
  }

  async #headLine(max: number, status: number, tooLong: string): Promise<Buffer> {
    const read = await this.#lines().readLine(max);
    switch (read.kind) {
      case "line":
        this.#headBytes += read.consumed;
        return read.bytes;
      case "too-long":
        throw new HttpError(status, tooLong);
      case "stopped":
        if (read.reason === "timeout") {
          throw new HttpError(408, `no complete request head within ${this.#headTimeoutMs / 1000} s`);
        }
        throw new ClientGone();
      case "end":
        throw new ClientGone();
    }
  }

  #headComplete(): void {
    clearTimeout(this.#headTimer);
    this.#headTimer = undefined;
  }
}

/**
 * Run `handleConnection` on a stream and close the stream when it is done,
 * which is where Rust drops the `TcpStream`. A handler that throws is a bug
 * in the stage, not the client's fault: it is logged in one line, the client
 * gets a 500 if nothing was sent yet, and the server keeps going.
 * The returned promise never rejects.
 */
export async function serve(
  stream: TcpStream,
  handleConnection: (stream: TcpStream) => void | Promise<void>,
): Promise<void> {
  try {
    await handleConnection(stream);
  } catch (error) {
    log(`${stream.peer}: the handler failed: ${firstLine(error)}`);
    if (!stream.answered) await stream.writeAll(errorResponse(500, "the server failed to handle this request"));
  } finally {
    stream.close();
  }
}
