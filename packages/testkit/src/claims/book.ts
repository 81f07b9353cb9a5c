// The book's claims, stage by stage: what "Building a Multithreaded Web
// Server" says the reader sees when the step's program runs, in every
// edition (docs/editions.md). Each claim is written once, here, and checked
// both against this project's stages (their tests) and against a reader's
// server in any language (`pnpm verify`). A claim names the thing in the
// book's terms, sends what it says it sends, and when it fails says what
// was sent, what came back, and a hint in the reader's terms.
import { getRequest, send, type Exchange, type Target } from "./target.ts";

export interface Verdict {
  readonly ok: boolean;
  readonly sent?: string;
  readonly got?: string;
  readonly hint?: string;
}

export interface Claim {
  /** What the book says, as the checklist shows it. */
  readonly says: string;
  /** Needs the server's output (so it is skipped for a server given by URL). */
  readonly needsOutput?: boolean;
  /** Advice beyond the book (`--strict`): reported, never a failure. */
  readonly advice?: boolean;
  check(target: Target): Promise<Verdict>;
}

/** The lines the book's programs print, and the Russian print's translation where it is known. */
export const PRINTED = {
  established: /^(?:Connection established!|Соединение установлено!)\r?$/gm,
  shuttingDown: /^Shutting down\.\r?$/m,
  gotJob: /^Worker (\d+) got a job; executing\.\r?$/gm,
} as const;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;
const show = (text: string): string => JSON.stringify(text);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** What came back, in a line: the status line and framing, or how the connection ended. */
export function describeReply(reply: Exchange): string {
  if (reply.bytes.length === 0) {
    if (reply.ending === "open") return "nothing, and the connection was still open";
    return reply.ending === "reset" ? "nothing (the connection was reset)" : "nothing (the connection was closed)";
  }
  const head = reply.bytes.indexOf("\r\n\r\n");
  if (head === -1) return `${show(reply.bytes.toString("latin1").slice(0, 120))} (no empty line ending the head)`;
  const lines = reply.bytes.toString("latin1", 0, head).split("\r\n");
  const length = lines.find((line) => /^content-length:/i.test(line));
  const body = reply.bytes.length - head - 4;
  return `${show(lines[0] ?? "")}${length ? `, ${length.trim()}` : ""}, a body of ${body} bytes${reply.ending === "open" ? ", connection left open" : ""}`;
}

interface Parsed {
  readonly statusLine: string;
  readonly contentLength?: string;
  readonly body: Buffer;
}

function parse(reply: Exchange): Parsed | undefined {
  const head = reply.bytes.indexOf("\r\n\r\n");
  if (head === -1) return undefined;
  const lines = reply.bytes.toString("latin1", 0, head).split("\r\n");
  const length = lines.find((line) => /^content-length:/i.test(line));
  return {
    statusLine: lines[0] ?? "",
    contentLength: length?.slice(length.indexOf(":") + 1).trim(),
    body: reply.bytes.subarray(head + 4),
  };
}

/** A page framed right: a status line, the empty line, a body, and a Content-Length (if sent) that counts its bytes. */
function framing(reply: Exchange, status: RegExp): string | undefined {
  const page = parse(reply);
  if (!page) return "no empty line (\\r\\n\\r\\n) after the status line and headers";
  if (!status.test(page.statusLine)) return `the status line is ${show(page.statusLine)}`;
  if (page.body.length === 0) return "the body is empty";
  if (page.contentLength !== undefined && page.contentLength !== String(page.body.length)) {
    return `Content-Length says ${page.contentLength}, the body has ${page.body.length} bytes`;
  }
  return undefined;
}

const sentLine = (request: string): string => request.split("\r\n")[0] ?? request;

// ── 01 ────────────────────────────────────────────────────────────────────

const acceptsAndCloses: Claim = {
  says: "a connection is accepted and closed with nothing written",
  async check(target) {
    const request = getRequest(target, "/");
    const reply = await send(target, request);
    if (reply.bytes.length === 0 && reply.ending !== "open") return { ok: true };
    return {
      ok: false,
      sent: sentLine(request),
      got: describeReply(reply),
      hint:
        reply.ending === "open"
          ? "the book's loop drops each stream at the end of its turn, which closes it"
          : "at this step the program writes nothing: it only prints a line and drops the stream",
    };
  },
};

const printsEstablished: Claim = {
  says: "`Connection established!` is printed once per connection",
  needsOutput: true,
  async check(target) {
    const output = target.output;
    if (!output) throw new Error("needs output");
    const before = count(output.stdout(), PRINTED.established);
    const opened = target.connections;
    for (let i = 0; i < 3; i++) await send(target, getRequest(target, "/"));
    const expected = before + (target.connections - opened);
    await output.waitUntil((out) => count(out, PRINTED.established) >= expected, 5_000).catch(() => {});
    const seen = count(output.stdout(), PRINTED.established);
    if (seen === expected) return { ok: true };
    return {
      ok: false,
      sent: `${target.connections - opened} connections`,
      got: `${seen - before} lines \`Connection established!\``,
      hint: "print the line inside `for stream in listener.incoming()`, once per stream",
    };
  },
};

// ── 02 ────────────────────────────────────────────────────────────────────

const printsRequest: Claim = {
  says: "the request's lines are printed, and no reply is sent",
  needsOutput: true,
  async check(target) {
    const output = target.output;
    if (!output) throw new Error("needs output");
    const path = `/verify-${process.pid}-${target.connections}`;
    const request = getRequest(target, path);
    const reply = await send(target, request, 3_000);
    const lines = [`GET ${path} HTTP/1.1`, `Host: ${target.host}:${target.port()}`];
    await output.waitUntil((out) => lines.every((line) => out.includes(line)), 5_000).catch(() => {});
    const missing = lines.filter((line) => !output.stdout().includes(line));
    if (missing.length === 0 && reply.bytes.length === 0) return { ok: true };
    return {
      ok: false,
      sent: sentLine(request),
      got:
        missing.length > 0 ? `no line ${missing.map(show).join(" or ")} on stdout` : `a reply: ${describeReply(reply)}`,
      hint:
        missing.length > 0
          ? 'read the request from the stream and print it (`println!("Request: {:#?}", http_request)`)'
          : "at this step the program prints the request and writes nothing back",
    };
  },
};

// ── 03 ────────────────────────────────────────────────────────────────────

const tinyResponse: Claim = {
  says: "the answer is exactly `HTTP/1.1 200 OK\\r\\n\\r\\n`",
  async check(target) {
    const request = getRequest(target, "/");
    const reply = await send(target, request);
    const text = reply.bytes.toString("latin1");
    if (text === "HTTP/1.1 200 OK\r\n\r\n" && reply.ending !== "open") return { ok: true };
    return {
      ok: false,
      sent: sentLine(request),
      got: reply.bytes.length > 0 ? show(text.slice(0, 120)) : describeReply(reply),
      hint:
        reply.ending === "open"
          ? "the response is written but the stream is never dropped, so the client waits"
          : "write `HTTP/1.1 200 OK\\r\\n\\r\\n` with `write_all(response.as_bytes())`, the \\r\\n twice",
    };
  },
};

// ── 04 on ─────────────────────────────────────────────────────────────────

const pageForRoot: Claim = {
  says: "`GET /` is answered `200 OK` with a page, framed right",
  async check(target) {
    const request = getRequest(target, "/");
    const reply = await send(target, request);
    target.memo.set("root", Promise.resolve(reply));
    const wrong =
      framing(reply, /^HTTP\/1\.1 200 OK$/) ?? (reply.ending === "open" ? "the connection stayed open" : undefined);
    if (!wrong) return { ok: true };
    return {
      ok: false,
      sent: sentLine(request),
      got: describeReply(reply),
      hint: /Content-Length/.test(wrong)
        ? "Content-Length counts bytes: `contents.len()`, not characters"
        : `${wrong}; the book's format is "{status_line}\\r\\nContent-Length: {length}\\r\\n\\r\\n{contents}", with hello.html read from where the server runs (--cwd)`,
    };
  },
};

const notFound: Claim = {
  says: "anything else (`GET /nope`) is answered 404 with a page of its own",
  async check(target) {
    const request = getRequest(target, "/nope");
    const reply = await send(target, request);
    const page = parse(reply);
    const wrong = framing(reply, /^HTTP\/1\.1 404\b/);
    if (!wrong) {
      const rootReply = (await target.memo.get("root")) as Exchange | undefined;
      const root = rootReply && parse(rootReply);
      if (!root || !page || !root.body.equals(page.body)) return { ok: true };
      return {
        ok: false,
        sent: sentLine(request),
        got: "404, with the same body as `GET /`",
        hint: "send 404.html for the 404, not hello.html",
      };
    }
    const answered200 = page?.statusLine.startsWith("HTTP/1.1 200") === true;
    return {
      ok: false,
      sent: sentLine(request),
      got: `${answered200 ? "answered 200: " : ""}${describeReply(reply)}`,
      hint: answered200
        ? "does your code compare the whole request line (`GET / HTTP/1.1`), not only that it is a GET?"
        : `${wrong}; the book answers "HTTP/1.1 404 NOT FOUND" with 404.html`,
    };
  },
};

// ── 07 on: /sleep ─────────────────────────────────────────────────────────

interface SlowAndFast {
  readonly slow: Exchange;
  readonly fast: Exchange;
  /**
   * The fast request's answer began before the slow one's. Beginnings, not
   * ends: a server may close the slow connection after answering the fast
   * one, but with one thread it cannot start the fast answer first.
   */
  readonly fastFirst: boolean;
}

/** `/sleep`, then `/` on a second connection while it sleeps; run once per target. */
function slowAndFast(target: Target): Promise<SlowAndFast> {
  const key = "slow-and-fast";
  let run = target.memo.get(key) as Promise<SlowAndFast> | undefined;
  if (!run) {
    run = (async () => {
      const bound = target.sleepMs * 3 + 15_000;
      target.progress(`waiting for /sleep (the server sleeps ${seconds(target.sleepMs)}) …`);
      const slow = send(target, getRequest(target, "/sleep"), bound);
      slow.catch(() => {}); // awaited below; a refusal meanwhile must not be an unhandled rejection
      // Half the sleep, for the server to have read /sleep and be sleeping
      // (on a busy machine that can take a while), and half left for a
      // server with a thread per connection to answer `/` before it wakes.
      await new Promise((resolve) => setTimeout(resolve, target.sleepMs / 2));
      const [slowReply, fast] = await Promise.all([slow, send(target, getRequest(target, "/"), bound)]);
      // An answer that never came counts as last.
      const began = (reply: Exchange): number => (Number.isNaN(reply.firstByteAt) ? Infinity : reply.firstByteAt);
      return { slow: slowReply, fast, fastFirst: began(fast) < began(slowReply) };
    })();
    target.memo.set(key, run);
  }
  return run;
}

const sleepTakesTheSleep: Claim = {
  says: "`GET /sleep` is answered 200, after the sleep",
  async check(target) {
    const { slow } = await slowAndFast(target);
    const wrong = framing(slow, /^HTTP\/1\.1 200 OK$/);
    // A lower bound only: a busy machine makes it longer, never shorter.
    const tooSoon = slow.ms < target.sleepMs * 0.9;
    if (!wrong && !tooSoon) return { ok: true };
    return {
      ok: false,
      sent: "GET /sleep HTTP/1.1",
      got: `${describeReply(slow)} after ${seconds(slow.ms)}`,
      hint: wrong
        ? `${wrong}; match "GET /sleep HTTP/1.1" and answer it with hello.html`
        : `the answer came before the sleep (${seconds(target.sleepMs)}): thread::sleep before writing (or --sleep-ms if you changed it)`,
    };
  },
};

const rootWaitsForSleep: Claim = {
  says: "a `GET /` sent while `/sleep` sleeps waits for it (one thread)",
  async check(target) {
    const { fast, fastFirst } = await slowAndFast(target);
    const wrong = framing(fast, /^HTTP\/1\.1 200 OK$/);
    if (!wrong && !fastFirst) return { ok: true };
    return {
      ok: false,
      sent: "GET /sleep HTTP/1.1, then GET / HTTP/1.1 on a second connection",
      got: wrong ? describeReply(fast) : "`/` was answered before `/sleep` was",
      hint: wrong
        ? wrong
        : "at this step the server handles one connection at a time; that it does not is the next step's claim",
    };
  },
};

const rootDoesNotWait: Claim = {
  says: "a `GET /` sent while `/sleep` sleeps is answered at once (a thread per connection)",
  async check(target) {
    const { fast, fastFirst } = await slowAndFast(target);
    const wrong = framing(fast, /^HTTP\/1\.1 200 OK$/);
    if (!wrong && fastFirst) return { ok: true };
    return {
      ok: false,
      sent: "GET /sleep HTTP/1.1, then GET / HTTP/1.1 on a second connection",
      got: wrong ? describeReply(fast) : `\`/\` waited for \`/sleep\` (answered after ${seconds(fast.ms)})`,
      hint: wrong ? wrong : "handle each stream in `thread::spawn(|| handle_connection(stream))`",
    };
  },
};

// ── 09: the pool ──────────────────────────────────────────────────────────

/** The book's pool: `ThreadPool::new(4)`. */
export const POOL_SIZE = 4;

interface Burst {
  readonly replies: Exchange[];
  /** From the first reply's end to the last's. */
  readonly spreadMs: number;
}

/** POOL_SIZE + 1 `/sleep` at once; run once per target. */
function burst(target: Target): Promise<Burst> {
  const key = "burst";
  let run = target.memo.get(key) as Promise<Burst> | undefined;
  if (!run) {
    run = (async () => {
      const bound = target.sleepMs * 4 + 15_000;
      target.progress(
        `waiting for ${POOL_SIZE + 1} × /sleep at once (${seconds(target.sleepMs)} each; a pool of ${POOL_SIZE} takes two rounds) …`,
      );
      const ends: number[] = [];
      const replies = await Promise.all(
        Array.from({ length: POOL_SIZE + 1 }, () =>
          send(target, getRequest(target, "/sleep"), bound).then((reply) => {
            ends.push(performance.now());
            return reply;
          }),
        ),
      );
      return { replies, spreadMs: Math.max(...ends) - Math.min(...ends) };
    })();
    target.memo.set(key, run);
  }
  return run;
}

const poolBound: Claim = {
  says: `at most ${POOL_SIZE} \`/sleep\` run at once; the next waits for a free worker`,
  async check(target) {
    const { replies, spreadMs } = await burst(target);
    const bad = replies.find((reply) => framing(reply, /^HTTP\/1\.1 200 OK$/));
    // If all five ran at once they would end together; with four workers
    // the fifth starts when one ends, so it ends a whole sleep later.
    if (!bad && spreadMs >= target.sleepMs * 0.8) return { ok: true };
    return {
      ok: false,
      sent: `${POOL_SIZE + 1} × GET /sleep HTTP/1.1 at once`,
      got: bad ? describeReply(bad) : `all ${POOL_SIZE + 1} answered within ${seconds(spreadMs)} of each other`,
      hint: bad
        ? "every /sleep should be answered 200 with hello.html"
        : `use \`ThreadPool::new(${POOL_SIZE})\` and \`pool.execute(…)\` instead of a thread per stream`,
    };
  },
};

const workersPrint: Claim = {
  says: `\`Worker <id> got a job; executing.\` is printed, with ids 0…${POOL_SIZE - 1}`,
  needsOutput: true,
  async check(target) {
    const output = target.output;
    if (!output) throw new Error("needs output");
    await burst(target);
    const ids = (): Set<string> =>
      new Set([...output.stdout().matchAll(PRINTED.gotJob)].map((match) => match[1] ?? ""));
    await output.waitUntil(() => ids().size >= POOL_SIZE, 5_000).catch(() => {});
    const seen = [...ids()].sort();
    const expected = Array.from({ length: POOL_SIZE }, (_, id) => String(id));
    if (seen.join() === expected.join()) return { ok: true };
    return {
      ok: false,
      sent: `${POOL_SIZE + 1} × GET /sleep HTTP/1.1 at once`,
      got: seen.length > 0 ? `lines for workers ${seen.join(", ")}` : "no `Worker <id> got a job; executing.` line",
      hint: "each Worker prints `Worker {id} got a job; executing.` as it takes a job; ids count from 0",
    };
  },
};

// ── 10: graceful shutdown ─────────────────────────────────────────────────

const shutsDown: Claim = {
  says: "after two connections `Shutting down.` is printed",
  needsOutput: true,
  async check(target) {
    const output = target.output;
    if (!output) throw new Error("needs output");
    await output.waitUntil((out) => PRINTED.shuttingDown.test(out), target.sleepMs + 10_000).catch(() => {});
    if (PRINTED.shuttingDown.test(output.stdout())) return { ok: true };
    return {
      ok: false,
      sent: `${target.connections} connections`,
      got: output.running() ? "no `Shutting down.` line, still running" : "no `Shutting down.` line",
      hint: "loop over `listener.incoming().take(2)` and print `Shutting down.` after the loop",
    };
  },
};

/** The per-worker lines of the 2018 wording (Terminate message) or the 2021/2024 one (recv error). */
function workerShutdownMissing(out: string): string[] {
  const missing: string[] = [];
  for (let id = 0; id < POOL_SIZE; id++) {
    if (!new RegExp(`^Shutting down worker ${id}\\r?$`, "m").test(out)) missing.push(`Shutting down worker ${id}`);
    const left = new RegExp(`^Worker ${id} (?:disconnected; shutting down|was told to terminate)\\.\\r?$`, "m");
    if (!left.test(out)) missing.push(`Worker ${id} disconnected; shutting down.`);
  }
  return missing;
}

const workersShutDown: Claim = {
  says: `every worker's shutdown lines are printed (ids 0…${POOL_SIZE - 1}, 2018 or later wording)`,
  needsOutput: true,
  async check(target) {
    const output = target.output;
    if (!output) throw new Error("needs output");
    await output.waitUntil((out) => workerShutdownMissing(out).length === 0, 10_000).catch(() => {});
    const missing = workerShutdownMissing(output.stdout());
    if (missing.length === 0) return { ok: true };
    return {
      ok: false,
      sent: `${target.connections} connections`,
      got: `no line ${show(missing[0] ?? "")}${missing.length > 1 ? ` (and ${missing.length - 1} more missing)` : ""}`,
      hint: "Drop for ThreadPool: drop the sender (2018: send Terminate), then print and join each worker",
    };
  },
};

const exitsZero: Claim = {
  says: "then the program exits with code 0",
  needsOutput: true,
  async check(target) {
    const output = target.output;
    if (!output) throw new Error("needs output");
    const bound = new Promise<undefined>((resolve) => setTimeout(resolve, 15_000, undefined));
    const end = await Promise.race([output.exited, bound]);
    if (end?.code === 0) return { ok: true };
    return {
      ok: false,
      sent: `${target.connections} connections`,
      got: end ? `exit code ${end.code}${end.signal ? ` (signal ${end.signal})` : ""}` : "still running after 15 s",
      hint: "after the loop, main returns and the pool's Drop joins every thread; nothing should block or panic",
    };
  },
};

// ── Beyond the book (--strict) ────────────────────────────────────────────

const survivesEmptyConnection: Claim = {
  says: "keeps serving after a client that connects and sends nothing",
  advice: true,
  async check(target) {
    const empty = await send(target, "", 3_000);
    void empty;
    const request = getRequest(target, "/");
    let reply: Exchange | undefined;
    try {
      reply = await send(target, request, 5_000);
    } catch {
      reply = undefined;
    }
    if (reply && reply.bytes.length > 0) return { ok: true };
    return {
      ok: false,
      sent: "an empty connection, then GET / HTTP/1.1",
      got: reply ? describeReply(reply) : "the connection was refused: the server had stopped",
      hint: "the book's `lines().next().unwrap()` panics on an empty request; match on it instead of unwrap",
    };
  },
};

const answersGarbage: Claim = {
  says: "answers a request line that is not HTTP with an error, and keeps serving",
  advice: true,
  async check(target) {
    const bad = await send(target, "HELLO\r\n\r\n", 3_000);
    let next: Exchange | undefined;
    try {
      next = await send(target, getRequest(target, "/"), 5_000);
    } catch {
      next = undefined;
    }
    if (next && next.bytes.length > 0 && bad.ending !== "open") return { ok: true };
    return {
      ok: false,
      sent: "HELLO, then GET / HTTP/1.1",
      got: next ? `HELLO got ${describeReply(bad)}` : "the connection was refused: the server had stopped",
      hint: "answer what you cannot parse with 400 Bad Request and close; never panic on a client's bytes",
    };
  },
};

/** The claims of the book per stage number ("01" … "10"), in the order they are checked. */
export const BOOK_CLAIMS: Readonly<Record<string, readonly Claim[]>> = {
  "01": [acceptsAndCloses, printsEstablished],
  "02": [printsRequest],
  "03": [tinyResponse],
  "04": [pageForRoot],
  "05": [pageForRoot, notFound],
  "06": [pageForRoot, notFound],
  "07": [pageForRoot, notFound, sleepTakesTheSleep, rootWaitsForSleep],
  "08": [pageForRoot, notFound, sleepTakesTheSleep, rootDoesNotWait],
  "09": [pageForRoot, notFound, sleepTakesTheSleep, rootDoesNotWait, poolBound, workersPrint],
  // Exactly two connections, then the shutdown: the two routing claims are them.
  "10": [pageForRoot, notFound, shutsDown, workersShutDown, exitsZero],
};

/** What this project adds beyond the book, checked with --strict (not at 10, whose server stops after two). */
export const ADVICE_CLAIMS: readonly Claim[] = [survivesEmptyConnection, answersGarbage];

export interface Outcome {
  readonly claim: Claim;
  readonly status: "pass" | "fail" | "skip";
  readonly verdict?: Verdict;
  readonly reason?: string;
}

/** Check `claims` in order against `target`, telling `onOutcome` as each is known. */
export async function checkClaims(
  claims: readonly Claim[],
  target: Target,
  onOutcome: (outcome: Outcome) => void = () => {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const claim of claims) {
    let outcome: Outcome;
    if (claim.needsOutput && !target.output) {
      outcome = { claim, status: "skip", reason: "the server was given by --url, so its output is not seen" };
    } else {
      try {
        const verdict = await claim.check(target);
        outcome = { claim, status: verdict.ok ? "pass" : "fail", verdict };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        outcome = {
          claim,
          status: "fail",
          verdict: {
            ok: false,
            got: code === "ECONNREFUSED" ? "the connection was refused" : String((error as Error).message ?? error),
            hint:
              code === "ECONNREFUSED"
                ? "nothing listens any more: did the server stop (a panic) before this check?"
                : "the check could not talk to the server",
          },
        };
      }
    }
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return outcomes;
}
