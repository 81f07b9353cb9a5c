// One measurement: autocannon, used as a library, against a server on 127.0.0.1.
import autocannon from "autocannon";
import { percentile } from "./stats.ts";

export interface Load {
  readonly port: number;
  readonly path?: string;
  readonly connections: number;
  readonly seconds: number;
  /** Reuse each connection (HTTP keep-alive); by default one connection per request, as the book's server does. */
  readonly keepAlive?: boolean;
}

export interface LoadResult {
  /** Responses received in the window. */
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

/** A cap on requests per second of load, so that a load is bounded in count as well as in time. */
const MAX_PER_SECOND = 200_000;

export async function load({ port, path = "/", connections, seconds, keepAlive = false }: Load): Promise<LoadResult> {
  // autocannon's own percentiles are whole milliseconds; a pool's `GET /`
  // takes less than one, so the latencies are kept here as they come.
  const latencies: number[] = [];
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${port}${path}`,
    connections,
    duration: seconds,
    maxOverallRequests: seconds * MAX_PER_SECOND,
    timeout: 30,
    headers: keepAlive ? {} : { connection: "close" },
    ...(keepAlive ? {} : { setupClient: reconnectWithEmptyQueue }),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    run.on("response", (_client: unknown, statusCode: number, _bytes: number, milliseconds: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(milliseconds);
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / result.duration,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** The parts of autocannon's client that `reconnectWithEmptyQueue` relies on. */
interface ClientInternals {
  _connect(): void;
  pipelinedRequests: { clear(): void };
}

/**
 * autocannon's client writes its next request as soon as a response ends,
 * and when the server then closes the connection it reconnects but keeps
 * that unanswered request in its queue, so every later latency would be
 * timed from a request one connection older (and the lag grows by one
 * each time). A server that closes after every response, as the book's
 * does, needs the queue emptied when the client reconnects.
 */
export function reconnectWithEmptyQueue(client: autocannon.Client): void {
  const internals = client as unknown as Partial<ClientInternals>;
  const connect = internals._connect;
  if (typeof connect !== "function" || typeof internals.pipelinedRequests?.clear !== "function") {
    throw new Error("this autocannon version's client has no _connect / pipelinedRequests; check load.ts against it");
  }
  internals._connect = function (this: ClientInternals) {
    this.pipelinedRequests.clear();
    connect.call(this);
  };
}
