import type { Socket } from "node:net";

const LF = 0x0a;
const CR = 0x0d;

/** What one attempt to read a line gives. */
export type LineRead =
  /** A line without its ending (LF or CRLF); `consumed` counts the ending too. */
  | { readonly kind: "line"; readonly bytes: Buffer; readonly consumed: number }
  /** The line would be longer than allowed; nothing more is buffered. */
  | { readonly kind: "too-long" }
  /** The client closed its side; `partial` is what came after the last line ending. */
  | { readonly kind: "end"; readonly partial: Buffer }
  /** Reading was stopped on our side (a timeout, or the connection closing). */
  | { readonly kind: "stopped"; readonly reason: StopReason };

type StopReason = "timeout" | "closed";

const EMPTY = Buffer.alloc(0);

/**
 * Buffered line reading over a socket, like Rust's `BufReader::lines()`.
 * The socket is read only while a line is wanted, so at most one line (plus
 * one chunk the kernel delivered) is ever held: a client that sends a
 * megabyte without a newline costs us a few kilobytes, not a megabyte.
 */
export class LineReader {
  readonly #socket: Socket;
  #buffer: Buffer = EMPTY;
  #scanned = 0; // bytes of #buffer already known to hold no LF
  #ended = false;
  #stopped: StopReason | undefined;
  #wake: (() => void) | undefined;

  /** `onBytes` is called each time bytes arrive, before they are buffered. */
  constructor(socket: Socket, onBytes?: () => void) {
    this.#socket = socket;
    socket.pause();
    socket.on("data", (chunk: Buffer) => {
      if (this.#stopped) return; // closing: what the client still sends is dropped
      onBytes?.();
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      socket.pause();
      this.#notify();
    });
    const ended = (): void => {
      this.#ended = true;
      this.#notify();
    };
    socket.once("end", ended);
    socket.once("close", ended);
  }

  /** Stop reading: a pending and every later `readLine` gives `stopped`. */
  stop(reason: StopReason): void {
    this.#stopped ??= reason;
    this.#buffer = EMPTY;
    this.#notify();
  }

  /** Read the next line of at most `max` bytes (not counting its ending). */
  async readLine(max: number): Promise<LineRead> {
    for (;;) {
      if (this.#stopped) return { kind: "stopped", reason: this.#stopped };
      const buffer = this.#buffer;
      const lf = buffer.indexOf(LF, this.#scanned);
      if (lf !== -1) {
        const end = lf > 0 && buffer[lf - 1] === CR ? lf - 1 : lf;
        if (end > max) return { kind: "too-long" };
        this.#buffer = buffer.subarray(lf + 1);
        this.#scanned = 0;
        return { kind: "line", bytes: buffer.subarray(0, end), consumed: lf + 1 };
      }
      this.#scanned = buffer.length;
      // One byte of slack: a CR at the end may still be followed by its LF.
      if (buffer.length > max + 1) return { kind: "too-long" };
      if (this.#ended) {
        this.#buffer = EMPTY;
        this.#scanned = 0;
        return { kind: "end", partial: buffer };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#socket.resume();
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
