// One accepted connection, as the stages see it: Rust's `TcpStream`, and
// `serve`, which runs a stage's handler on it. What the stream delegates:
// reading the request head to request-head.ts, the close that keeps the
// response from a reset to lingering-close.ts. Two ways to end it: `drop()`,
// Rust's drop and no more, and `close()`, the clean close of stages that answer.

import { Socket } from "node:net";
import type { Transferable } from "node:worker_threads";
import { newShutdownFlag, type HeadTimeouts, type ShutdownFlag } from "./deadlines.ts";
import { firstLine } from "./fatal.ts";
import { errorResponse, type Request } from "./http.ts";
import { IDLE_TIMEOUT_MS } from "./limits.ts";
import { lingeringClose } from "./lingering-close.ts";
import { log } from "./log.ts";
import { readSome } from "./read-some.ts";
import { RequestHead } from "./request-head.ts";

/** Per-connection settings, in milliseconds; the defaults are the limits in limits.ts. */
export interface StreamOptions extends HeadTimeouts {
  /** How long a connection may go without any traffic before it is dropped. */
  readonly idleTimeoutMs?: number;
  /** Once shutdown has begun, how long a connection that sent nothing gets to start. */
  readonly shutdownGraceMs?: number;
}

/** Something a connection can be moved to: a `Worker`, or a `MessagePort`. */
export interface ThreadPort {
  postMessage(message: unknown, transfer: readonly Transferable[]): void;
}

/**
 * The message that carries a moved connection to another thread: the
 * socket, and what the stream knew about it on the thread that accepted it.
 * The receiving thread passes the whole message to `new TcpStream(message)`.
 */
export interface MovedConnection {
  readonly socket: Socket;
  /** The client's address as seen at accept (`host:port`), kept even if the client resets later. */
  readonly peer?: string;
  /** Set to 1 by the listener when it closes: see `whileSilent`. */
  readonly shutdown?: ShutdownFlag;
  readonly options?: StreamOptions;
}

/** The flag of a socket wrapped without a listener: nothing will ever shut it down. */
const NO_LISTENER = newShutdownFlag();

/** What a client that reset before it was accepted is called in logs: its address is gone too. */
export const UNKNOWN_PEER = "a client that left before it was accepted";

/** The client's `host:port`, read once at accept: a socket that has been reset no longer knows it. */
function peerOf(socket: Socket): string {
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) return UNKNOWN_PEER;
  return `${remoteAddress.includes(":") ? `[${remoteAddress}]` : remoteAddress}:${remotePort}`;
}

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
  readonly #options: StreamOptions;
  readonly #shutdown: ShutdownFlag;
  readonly #head: RequestHead;
  /** How much of the request's body may still come and be dropped when we close. */
  #body = 0;
  #wrote = false;
  /** Settles when the last `writeAll` has handed its bytes to the OS (or failed). */
  #written: Promise<void> = Promise.resolve();
  #closing = false;

  readonly #idleTimeoutMs: number;
  readonly #onError: (error: NodeJS.ErrnoException) => void;
  #timing = false;

  /**
   * Wrap an accepted socket, or a connection moved here from another thread
   * (pass the whole `MovedConnection` message; see `moveTo`). The head and
   * idle timeouts start when the stream is first read or written, so a
   * connection waiting in a queue is not timed out.
   */
  constructor(connection: Socket | MovedConnection, options: StreamOptions = {}) {
    const moved = connection instanceof Socket ? undefined : connection;
    const socket = moved ? moved.socket : (connection as Socket);
    this.#socket = socket;
    this.#options = { ...moved?.options, ...options };
    this.#shutdown = moved?.shutdown ?? NO_LISTENER;
    // Our close() shuts our side after the client has shut its own.
    socket.allowHalfOpen = true;
    this.peer = moved?.peer ?? peerOf(socket);
    this.#idleTimeoutMs = this.#options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.#head = new RequestHead(socket, {
      ...this.#options,
      shutdown: this.#shutdown,
      onStart: () => this.#startTimers(),
      onAbandon: () => this.#abandon(),
    });
    // Without an 'error' listener, a client's reset would crash the process.
    this.#onError = (error) => {
      const code = error.code ?? "";
      log(`${this.peer}: ${HANGUPS.has(code) ? "the client hung up" : firstLine(error)} (${code || error.name})`);
    };
    socket.on("error", this.#onError);
  }

  /**
   * Move the connection to another thread, as Rust moves a `TcpStream` into
   * a closure: `port.postMessage(message, [socket])`, where the message is a
   * `MovedConnection`. The receiving thread wraps the message in
   * `new TcpStream(message)`. Only a connection that has not been read or
   * written can move; afterwards this stream is empty.
   */
  moveTo(port: ThreadPort): void {
    if (this.#timing || this.#closing) throw new Error("only an untouched connection can move to another thread");
    this.#closing = true;
    this.#socket.off("error", this.#onError);
    const message: MovedConnection = {
      socket: this.#socket,
      peer: this.peer,
      shutdown: this.#shutdown,
      options: this.#options,
    };
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
   * MAX_HEAD_BYTES or misses one of its deadlines (see `HeadDeadlines`).
   */
  async *lines(): AsyncGenerator<string, void, undefined> {
    const closeBecause = yield* this.#head.lines();
    if (closeBecause === undefined) return;
    log(`${this.peer}: ${closeBecause}; closing`);
    this.close();
  }

  /**
   * Read once into `buffer`, like Rust's `Read::read` (the 2018 edition's
   * `stream.read(&mut buffer)`): wait for what the client sends, copy as
   * much of it as fits, and resolve with the number of bytes copied, or 0
   * when the client has closed its side or the connection is closed. One read
   * may return less than the request; what did not fit comes with the next.
   * No head deadline applies, only the idle timeout. It never rejects; it
   * throws if `lines()` or `readRequest()` has begun on this stream.
   */
  read(buffer: Uint8Array): Promise<number> {
    if (this.#closing) return Promise.resolve(0);
    this.#startTimers();
    return readSome(this.#socket, buffer);
  }

  /**
   * Read and check a request head (RFC 9112). Returns the request, or
   * `undefined` when there is nothing for the stage to do: core has then
   * answered a bad request (400, 408, 414 or 431) or seen the client leave,
   * and closed the connection. A client that closes its side after part of
   * a head gets a 400, as node:http answers it. See `RequestHead.read` for
   * each check and its status.
   */
  async readRequest(): Promise<Request | undefined> {
    const head = await this.#head.read();
    if (head.kind === "request") {
      this.#body = head.unreadBody;
      return head.request;
    }
    if (head.kind === "refused") {
      const { status, message } = head.error;
      log(`${this.peer}: ${status}: ${message}`);
      await this.writeAll(errorResponse(status, message));
    }
    this.close();
    return undefined;
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
    this.#written = new Promise((resolve) => {
      socket.write(data, () => resolve());
    });
    return this.#written;
  }

  /**
   * Close the connection cleanly, as every stage that answers does (through
   * `serve`): what was written is still delivered, then our side is shut.
   * This is more than Rust's drop (see `drop()`), which can lose a response
   * to a reset when the client's bytes were not all read. Once our bytes are
   * out, what the client still sends (the body of its request, which the
   * stage did not read, up to MAX_UNREAD_BODY_BYTES, and LINGER_MAX_BYTES
   * more) is read and dropped until it closes its side, within LINGER_MS of
   * silence and LINGER_MAX_MS in all, so that our kernel does not answer it
   * with a reset that could destroy the response before the client has read
   * it. Past those limits the connection is dropped.
   */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#head.stop();
    lingeringClose(this.#socket, this.#body);
  }

  /**
   * Drop the connection as Rust drops a `TcpStream`: close the socket at
   * once, without reading what the client sent. Bytes that `writeAll` was
   * given are handed to the operating system first, as Rust's blocking
   * `write_all` has done before the drop; nothing else is waited for.
   *
   * How the client sees it depends on what it sent. If nothing is waiting
   * unread, the kernel sends FIN and the client reads end-of-stream. If its
   * request (or any byte) is waiting unread in our receive buffer, the
   * kernel of Linux, macOS and Windows answers the close with a reset (RST:
   * data was lost, RFC 1122 §4.2.2.13), and the client sees "connection
   * reset by peer". That reset can also destroy a response the client has
   * not read yet, which is why stages that answer use `close()`. Stage 01
   * drops, as the book's listing 20-1 (2018 and 2021 editions), 21-1 (2024)
   * does. A second call, or one after `close()` or `moveTo()`, does nothing.
   */
  drop(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#head.stop();
    const socket = this.#socket;
    if (socket.writableLength === 0) socket.destroy();
    else void this.#written.then(() => socket.destroy());
  }

  /**
   * `using stream = …` drops it at the end of the scope, as Rust drops a
   * `TcpStream` when it goes out of scope: see `drop()`. Stages that answer
   * end their streams through `serve`, which closes them cleanly instead.
   */
  [Symbol.dispose](): void {
    this.drop();
  }

  #abandon(): void {
    if (this.#closing) return;
    log(`${this.peer}: sent nothing, and the server is shutting down; closing`);
    this.close();
    // Nothing was asked, so there is no answer to protect by lingering: go
    // as soon as our FIN is out, rather than wait for the client's.
    this.#socket.destroySoon();
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
}

/**
 * Run `handleConnection` on a stream and close the stream cleanly (`close()`,
 * not `drop()`) when it is done, which is where Rust drops the `TcpStream`.
 * A handler that throws is a bug in the stage, not the client's fault: it is
 * logged in one line, the client gets a 500 if nothing was sent yet, and the
 * server keeps going.
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
