// Reading one request head off a connection (RFC 9112 §2–§6): the request
// line and the field lines, within the size limits of limits.ts and the
// deadlines of deadlines.ts. Nothing here writes to the socket or closes it:
// the stream is told the outcome (a request, a status to refuse it with, or a
// client gone) and answers, logs and closes.

import type { Socket } from "node:net";
import { HeadDeadlines, whileSilent, type HeadTimeouts, type ShutdownFlag } from "./deadlines.ts";
import { HttpError, checkFraming, parseFieldLine, parseRequestLine, type Request } from "./http.ts";
import { LineReader, type LineRead } from "./line-reader.ts";
import { MAX_HEAD_BYTES, MAX_HEADER_FIELDS, MAX_REQUEST_LINE_BYTES, MAX_UNREAD_BODY_BYTES } from "./limits.ts";

/** How a head is read: its deadlines, in milliseconds, and the shutdown it watches. */
interface HeadReading extends HeadTimeouts {
  /** Once shutdown has begun, how long a connection that sent nothing gets to start. */
  readonly shutdownGraceMs?: number;
  /** The listener's shutdown flag: see `whileSilent`. */
  readonly shutdown: ShutdownFlag;
  /** Called once, when reading starts, before the head's clocks start. */
  readonly onStart: () => void;
  /**
   * Called when the server is shutting down and the client has sent nothing
   * within the grace: the connection has no request in progress and may go.
   */
  readonly onAbandon: () => void;
}

/** What reading a request head with `RequestHead.read` gives. */
type HeadOutcome =
  /**
   * A head that passed every check. `unreadBody` is how much of the body the
   * request declares (any chunked body counts as unbounded), in bytes, capped
   * at MAX_UNREAD_BODY_BYTES: what may still come after the head.
   */
  | { readonly kind: "request"; readonly request: Request; readonly unreadBody: number }
  /** A head that must be refused: answer with `error.status`, `error.message` saying why. */
  | { readonly kind: "refused"; readonly error: HttpError }
  /** The client left, or the connection closed on our side: there is nobody to answer. */
  | { readonly kind: "gone" };

/** The client closed its side, or the connection failed, before a whole head arrived. */
class ClientGone extends Error {}

const headTooLarge = `the request head is over ${MAX_HEAD_BYTES} bytes`;

/**
 * The request head of one connection, read line by line as it arrives. The
 * socket is first read, and the head's clocks (see `HeadDeadlines`) start,
 * at the first `lines()` or `read()`, not at construction: a connection
 * waiting in a queue is not timed out.
 */
export class RequestHead {
  readonly #socket: Socket;
  readonly #reading: HeadReading;
  readonly #deadlines: HeadDeadlines;
  #reader: LineReader | undefined;
  /** Why the head's deadline ran out, once it has: for the log line and the 408's body. */
  #expired: string | undefined;
  #silence: (() => void) | undefined;
  /** Bytes of the head read so far, line endings included. */
  #headBytes = 0;

  constructor(socket: Socket, reading: HeadReading) {
    this.#socket = socket;
    this.#reading = reading;
    this.#deadlines = new HeadDeadlines(reading, (reason) => {
      this.#expired = reason;
      this.#reader?.stop("timeout");
    });
  }

  /**
   * The lines of the head, decoded as UTF-8 (bytes that are not UTF-8 become
   * U+FFFD), up to and including the empty line that ends it; either line
   * ending (CRLF or LF) is accepted. Iteration ends early when the client
   * hangs up (a last unterminated line is still given). It returns why it
   * stopped when the connection should now be closed with a log line: the
   * head grew past MAX_HEAD_BYTES, or missed one of its deadlines.
   */
  async *lines(): AsyncGenerator<string, string | undefined, undefined> {
    for (;;) {
      const read = await this.#readLine(MAX_HEAD_BYTES - this.#headBytes);
      switch (read.kind) {
        case "line":
          this.#lineRead(read.consumed);
          if (read.bytes.length === 0) {
            this.#complete();
            yield "";
            return undefined;
          }
          yield read.bytes.toString("utf8");
          continue;
        case "end":
          this.#complete();
          if (read.partial.length > 0) yield read.partial.toString("utf8");
          return undefined;
        case "too-long":
          return headTooLarge;
        case "stopped":
          return read.reason === "timeout" ? this.#expiredReason() : undefined;
      }
    }
  }

  /**
   * Read and check a whole request head (RFC 9112): the request line (§3;
   * empty lines before it are skipped, §2.2), at most MAX_HEADER_FIELDS
   * field lines (§5), and the fields that frame a body (§6). A request line
   * over MAX_REQUEST_LINE_BYTES is refused with 414, a head over
   * MAX_HEAD_BYTES or with too many fields with 431, a missed deadline with
   * 408, a malformed line, or a client that closed its side after part of a
   * head (as node:http does), with 400. Only a bug makes it reject.
   */
  async read(): Promise<HeadOutcome> {
    try {
      let first: Buffer;
      do {
        const budget = MAX_HEAD_BYTES - this.#headBytes;
        first =
          budget < MAX_REQUEST_LINE_BYTES
            ? await this.#headLine(budget, 431, headTooLarge)
            : await this.#headLine(
                MAX_REQUEST_LINE_BYTES,
                414,
                `the request line is over ${MAX_REQUEST_LINE_BYTES} bytes`,
              );
      } while (first.length === 0);
      const requestLine = parseRequestLine(first);
      const headers: Array<[string, string]> = [];
      for (;;) {
        const line = await this.#headLine(MAX_HEAD_BYTES - this.#headBytes, 431, headTooLarge);
        if (line.length === 0) break;
        if (headers.length === MAX_HEADER_FIELDS) {
          throw new HttpError(431, `the request has more than ${MAX_HEADER_FIELDS} header fields`);
        }
        headers.push(parseFieldLine(line));
      }
      const length = checkFraming(headers);
      const chunked = headers.some(([name]) => name.toLowerCase() === "transfer-encoding");
      const unreadBody = Math.min(chunked ? Infinity : (length ?? 0), MAX_UNREAD_BODY_BYTES);
      this.#complete();
      return { kind: "request", request: { ...requestLine, headers }, unreadBody };
    } catch (error) {
      this.#complete();
      if (error instanceof HttpError) return { kind: "refused", error };
      if (error instanceof ClientGone) return { kind: "gone" };
      throw error;
    }
  }

  /**
   * The connection is closing: the head's clocks and the shutdown watch
   * stop, and a pending and every later read ends as if the client had gone.
   */
  stop(): void {
    this.#complete();
    this.#reader?.stop("closed");
  }

  #readLine(max: number): Promise<LineRead> {
    if (!this.#reader) {
      this.#reader = new LineReader(this.#socket, () => this.#bytes());
      this.#reading.onStart();
      this.#deadlines.start();
      // Until its first byte, a connection may be closed by a shutdown.
      this.#silence = whileSilent(this.#reading.shutdown, () => this.#abandon(), this.#reading.shutdownGraceMs);
    }
    return this.#reader.readLine(max);
  }

  #bytes(): void {
    if (this.#deadlines.begun) return;
    this.#deadlines.bytes();
    this.#silence?.();
  }

  #abandon(): void {
    if (!this.#deadlines.begun) this.#reading.onAbandon();
  }

  #lineRead(consumed: number): void {
    this.#headBytes += consumed;
    this.#deadlines.line();
  }

  async #headLine(max: number, status: number, tooLong: string): Promise<Buffer> {
    const read = await this.#readLine(max);
    switch (read.kind) {
      case "line":
        this.#lineRead(read.consumed);
        return read.bytes;
      case "too-long":
        throw new HttpError(status, tooLong);
      case "stopped":
        if (read.reason === "timeout") throw new HttpError(408, this.#expiredReason());
        throw new ClientGone();
      case "end":
        // A reset also ends the reading, but there is nobody left to answer.
        if (this.#deadlines.begun && this.#socket.readableEnded && !this.#socket.destroyed) {
          throw new HttpError(400, "the client closed its side before the request head was complete");
        }
        throw new ClientGone();
    }
  }

  #expiredReason(): string {
    return this.#expired ?? "the request head took too long";
  }

  /** The head is complete, or reading it is over: no clock runs any more, and shutdown no longer watches. */
  #complete(): void {
    this.#deadlines.stop();
    this.#silence?.();
  }
}
