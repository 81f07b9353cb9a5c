// One measurement: autocannon, used as a library, against a server on 127.0.0.1.
import autocannon from "autocannon";
import type { Span } from "./settings.ts";
import { percentile } from "./stats.ts";

export interface Load {
  readonly port: number;
  readonly path?: string;
  readonly connections: number;
  /** A time window (the full run), or a number of requests with a time cap (the smoke run). */
  readonly span: Span;
  /** Reuse each connection (HTTP keep-alive); by default one connection per request, as the book's server does. */
  readonly keepAlive?: boolean;
  /** Called as each response arrives, on the load's thread (the bench counts a server's threads then). */
  readonly onResponse?: () => void;
}

export interface LoadResult {
  /** Responses received in the window, or of the count asked for. */
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Connections the server closed without answering the request sent on them (each is sent again). */
  readonly unanswered: number;
}

/** Requests of a load that failed in any way: errors, timeouts, statuses other than 2xx, connections closed unanswered. */
export const failures = (result: LoadResult): number =>
  result.errors + result.timeouts + result.non2xx + result.unanswered;

/** A cap on requests per second of load, so that a timed load is bounded in count as well as in time. */
const MAX_PER_SECOND = 200_000;

export async function load({
  port,
  path = "/",
  connections,
  span,
  keepAlive = false,
  onResponse,
}: Load): Promise<LoadResult> {
  if ("requests" in span && span.requests < connections) {
    throw new Error(`a load of ${span.requests} requests cannot have ${connections} connections`);
  }
  // autocannon's own percentiles are whole milliseconds; a pool's `GET /`
  // takes less than one, so the latencies are kept here as they come.
  const latencies: number[] = [];
  let unanswered = 0;
  const bound: Partial<autocannon.Options> =
    "seconds" in span
      ? { duration: span.seconds, maxOverallRequests: span.seconds * MAX_PER_SECOND }
      : // A count: autocannon ends once every client has had its share
        // answered; results come at its next sample tick, so ticks are short.
        { amount: span.requests, sampleInt: 100 };
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${port}${path}`,
    connections,
    ...bound,
    timeout: 30,
    headers: keepAlive ? {} : { connection: "close" },
    ...(keepAlive
      ? {}
      : { setupClient: (client: autocannon.Client) => reconnectWithEmptyQueue(client, () => unanswered++) }),
  };
  let cap: NodeJS.Timeout | undefined;
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    run.on("response", (_client: unknown, statusCode: number, _bytes: number, milliseconds: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(milliseconds);
      lastResponse = performance.now();
      onResponse?.();
    });
    // The safety net of a counted load: a server that stops answering ends
    // it here, with fewer responses than asked for.
    if ("capSeconds" in span) cap = setTimeout(() => run.stop(), span.capSeconds * 1000);
  }).finally(() => clearTimeout(cap));
  latencies.sort((a, b) => a - b);
  // A window's rate is over the window; a count's, up to its last response
  // (autocannon's own duration would add up to a sample tick).
  const seconds = "seconds" in span ? result.duration : (lastResponse - started) / 1000;
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unanswered,
  };
}

/** The parts of autocannon's client that `reconnectWithEmptyQueue` relies on. */
interface ClientInternals {
  _connect(): void;
  pipelinedRequests: { clear(): void; size(): number };
  /** Requests written so far; `amount` and `maxOverallRequests` bound it. */
  reqsMade: number;
  conn?: unknown;
}

/**
 * autocannon's client writes its next request as soon as a response ends,
 * and when the server then closes the connection it reconnects but keeps
 * that unanswered request in its queue, so every later latency would be
 * timed from a request one connection older (and the lag grows by one
 * each time). A server that closes after every response, as the book's
 * does, needs the queue emptied when the client reconnects. The dropped
 * request is also taken off the count of requests made, so that a load of
 * `amount` requests means that many answered, not half of them.
 *
 * A connection that the server closed before any response (and without an
 * error, which autocannon counts itself) is reported to `onUnanswered`:
 * the dropped request was the connection's only one, never answered.
 */
export function reconnectWithEmptyQueue(client: autocannon.Client, onUnanswered: () => void = () => {}): void {
  const internals = client as unknown as Partial<ClientInternals>;
  const connect = internals._connect;
  if (
    typeof connect !== "function" ||
    typeof internals.pipelinedRequests?.clear !== "function" ||
    typeof internals.pipelinedRequests.size !== "function" ||
    typeof internals.reqsMade !== "number"
  ) {
    throw new Error(
      "this autocannon version's client has no _connect / pipelinedRequests / reqsMade; check load.ts against it",
    );
  }
  // What happened on the current connection: a response, or an error.
  let settled = false;
  const events = client as unknown as NodeJS.EventEmitter;
  events.on("response", () => (settled = true));
  events.on("connError", () => (settled = true));
  internals._connect = function (this: ClientInternals) {
    const dropped = this.pipelinedRequests.size();
    if (this.conn !== undefined && dropped > 0 && !settled) onUnanswered();
    this.reqsMade -= dropped;
    this.pipelinedRequests.clear();
    settled = false;
    connect.call(this);
  };
}
