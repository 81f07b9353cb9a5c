// What a claim is checked against: a server reached over TCP, and, when the
// verifier (or a test) started it, what it prints and how it ends. The same
// Target serves the project's own stage tests and `pnpm verify` on a
// reader's server, so every connection goes through `connect`, which counts
// it: the book's programs see each one (a line at 01, one of two at 10).
import { connect as netConnect, type Socket } from "node:net";

/** What the server prints and how it ends, when we started it. */
export interface ServerOutput {
  stdout(): string;
  running(): boolean;
  waitUntil(holds: (stdout: string) => boolean, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Target {
  readonly host: string;
  /** The port now: a printed URL may name it after the target was made. */
  port(): number;
  /** Absent when checking a server by URL: claims about output are skipped. */
  readonly output?: ServerOutput;
  /** How long the server's `/sleep` sleeps, in milliseconds (the book's 5 s). */
  readonly sleepMs: number;
  /** Connections opened so far (refused attempts are not connections). */
  readonly connections: number;
  /** Open a connection, counted. */
  connect(): Promise<Socket>;
  /** Tell the person waiting what is going on (a long wait). */
  progress(line: string): void;
  /** Measurements shared by several claims (one `/sleep` run, not one per claim). */
  readonly memo: Map<string, Promise<unknown>>;
}

export interface TargetOptions {
  readonly host?: string;
  readonly port: () => number;
  readonly output?: ServerOutput;
  readonly sleepMs?: number;
  readonly progress?: (line: string) => void;
  /**
   * Until when a refused connection is retried (a server not yet listening:
   * the kernel refuses without the server seeing anything, so a retry costs
   * nothing). 0: never retry.
   */
  readonly retryRefusedUntil?: () => number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function connectOnce(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

export function makeTarget(options: TargetOptions): Target {
  const host = options.host ?? "127.0.0.1";
  let connections = 0;
  let listening = false;
  return {
    host,
    port: options.port,
    output: options.output,
    sleepMs: options.sleepMs ?? 5_000,
    get connections() {
      return connections;
    },
    memo: new Map(),
    progress: options.progress ?? (() => {}),
    async connect() {
      let backoff = 25;
      for (;;) {
        try {
          const socket = await connectOnce(host, options.port());
          connections += 1;
          listening = true;
          return socket;
        } catch (error) {
          const refused = (error as NodeJS.ErrnoException).code === "ECONNREFUSED";
          const until = options.retryRefusedUntil?.() ?? 0;
          const alive = options.output?.running() ?? true;
          if (!refused || listening || !alive || Date.now() + backoff > until) throw error;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 500);
        }
      }
    },
  };
}

/** What came back on one connection. */
export interface Exchange {
  readonly bytes: Buffer;
  /** How it ended: closed, reset, or still open when we stopped waiting. */
  readonly ending: "end" | "reset" | "open";
  /** From writing the request to the end. */
  readonly ms: number;
  /** When (performance.now()) the first byte of the reply arrived; NaN for none. */
  readonly firstByteAt: number;
}

/** Send `request` on a new counted connection, read until the server closes it or `timeoutMs`. */
export async function send(target: Target, request: string, timeoutMs = 10_000): Promise<Exchange> {
  const socket = await target.connect();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let firstByteAt = Number.NaN;
    let ending: Exchange["ending"] = "end";
    const timer = setTimeout(() => {
      ending = "open";
      socket.destroy();
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      if (chunks.length === 0) firstByteAt = performance.now();
      chunks.push(chunk);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") ending = "reset";
      else {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(chunks), ending, ms: performance.now() - start, firstByteAt });
    });
    socket.write(request);
  });
}

/** A GET as a browser would ask it, short enough for the 2018 code's 512-byte buffer. */
export function getRequest(target: Target, path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${target.host}:${target.port()}\r\n\r\n`;
}
