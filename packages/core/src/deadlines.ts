// The clocks of reading one request head, and how a connection learns that
// the server is shutting down. Nothing here reads or writes the socket: the
// stream is told what happened (`expired`, `abandon`) and acts on it.

import { FIRST_BYTE_TIMEOUT_MS, HEAD_LINE_TIMEOUT_MS, HEAD_TIMEOUT_MS, SHUTDOWN_GRACE_MS } from "./limits.ts";

/** The head's time limits in milliseconds; the defaults are in limits.ts. */
export interface HeadTimeouts {
  /** From the start of reading to the first byte. */
  readonly firstByteTimeoutMs?: number;
  /** From one line of the head to the next, once the first byte is in. */
  readonly headLineTimeoutMs?: number;
  /** From the first byte to the end of the head. */
  readonly headTimeoutMs?: number;
}

const seconds = (ms: number): string => `${ms / 1000} s`;

/**
 * The three deadlines of a request head (limits.ts says why each): a short
 * wait for the first byte, then a time per line and a cap on the whole head,
 * so that a person typing in nc has time and a silent client does not.
 * `expired` gets the reason, phrased for a log line and a 408's body.
 */
export class HeadDeadlines {
  readonly #expired: (reason: string) => void;
  readonly #firstByteMs: number;
  readonly #lineMs: number;
  readonly #headMs: number;
  #first: NodeJS.Timeout | undefined;
  #line: NodeJS.Timeout | undefined;
  #head: NodeJS.Timeout | undefined;
  #begun = false;
  #stopped = false;
  /** Counts the lines read, so that a line timeout can tell whether one came meanwhile. */
  #lines = 0;

  constructor(timeouts: HeadTimeouts, expired: (reason: string) => void) {
    this.#expired = expired;
    this.#firstByteMs = timeouts.firstByteTimeoutMs ?? FIRST_BYTE_TIMEOUT_MS;
    this.#lineMs = timeouts.headLineTimeoutMs ?? HEAD_LINE_TIMEOUT_MS;
    this.#headMs = timeouts.headTimeoutMs ?? HEAD_TIMEOUT_MS;
  }

  /** True once a byte of the request has arrived. */
  get begun(): boolean {
    return this.#begun;
  }

  /** Reading starts: the client has `firstByteTimeoutMs` to send something. */
  start(): void {
    this.#first = this.#timer(this.#firstByteMs, `no request within ${seconds(this.#firstByteMs)}`, () => this.#begun);
  }

  /** Bytes arrived. The first ones start the per-line and whole-head clocks. */
  bytes(): void {
    if (this.#begun) return;
    this.#begun = true;
    clearTimeout(this.#first);
    this.#head = this.#timer(this.#headMs, `no complete request head within ${seconds(this.#headMs)}`, () => false);
    this.#startLineClock();
  }

  /** A whole line of the head was read: the next one gets a fresh `headLineTimeoutMs`. */
  line(): void {
    this.#lines += 1;
    if (!this.#begun || this.#stopped) return;
    clearTimeout(this.#line);
    this.#startLineClock();
  }

  /** The head is complete, or reading it is over: no clock runs any more. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#first);
    clearTimeout(this.#line);
    clearTimeout(this.#head);
  }

  #startLineClock(): void {
    const seen = this.#lines;
    this.#line = this.#timer(
      this.#lineMs,
      `no complete line of the request head within ${seconds(this.#lineMs)}`,
      () => this.#lines !== seen,
    );
  }

  /**
   * A clock that, when it runs out, lets the event loop do one more round
   * of I/O before it acts: on a starved machine the timer can come due while
   * the client's bytes already wait in the kernel, unread. `met` says
   * whether what the clock waited for has happened meanwhile.
   */
  #timer(ms: number, reason: string, met: () => boolean): NodeJS.Timeout {
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (this.#stopped || met()) return;
        this.stop();
        this.#expired(reason);
      });
    }, ms);
    timer.unref();
    return timer;
  }
}

/**
 * A listener's shutdown, seen from any thread: one shared 32-bit cell, 0
 * while serving and 1 once the listener has closed. It travels with every
 * connection moved to another thread, so a worker knows, without a message,
 * that the server it serves is shutting down.
 */
export type ShutdownFlag = Int32Array<SharedArrayBuffer>;

export function newShutdownFlag(): ShutdownFlag {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function beginShutdown(flag: ShutdownFlag): void {
  Atomics.store(flag, 0, 1);
}

const isShuttingDown = (flag: ShutdownFlag): boolean => Atomics.load(flag, 0) === 1;

/** How often a thread with silent connections looks at their flags. */
const POLL_MS = 50;
const watched = new Map<() => void, ShutdownFlag>();
let poller: NodeJS.Timeout | undefined;

function poll(): void {
  for (const [began, flag] of watched) {
    if (!isShuttingDown(flag)) continue;
    watched.delete(began);
    began();
  }
  if (watched.size === 0) {
    clearInterval(poller);
    poller = undefined;
  }
}

/**
 * For a connection that has sent nothing yet: once `flag` says the server is
 * shutting down, wait SHUTDOWN_GRACE_MS (`graceMs`) for a first byte, then
 * call `abandon`. A byte that was already in the kernel's buffer when the
 * grace ran out is still read first (`abandon` runs after the event loop's
 * next round of I/O), so a request already sent is never cut off. Returns a
 * function that cancels the watch; call it when the first byte arrives.
 */
export function whileSilent(flag: ShutdownFlag, abandon: () => void, graceMs = SHUTDOWN_GRACE_MS): () => void {
  let grace: NodeJS.Timeout | undefined;
  let check: NodeJS.Immediate | undefined;
  const began = (): void => {
    grace = setTimeout(() => (check = setImmediate(abandon)), graceMs);
  };
  if (isShuttingDown(flag)) began();
  else {
    watched.set(began, flag);
    poller ??= setInterval(poll, POLL_MS).unref();
  }
  return () => {
    watched.delete(began);
    clearTimeout(grace);
    if (check) clearImmediate(check);
  };
}
