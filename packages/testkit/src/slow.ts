import { get } from "./client.ts";

/** What `slowAndFast` saw. */
export interface SlowAndFast {
  /** `/sleep` and `/`, in the order their responses completed. */
  readonly order: string[];
  /** Milliseconds from sending `/sleep` to the end of the response to `/`. */
  readonly fastDoneAfterMs: number;
}

/**
 * Send `GET /sleep`, then, `delayMs` later (time for the stage to start on
 * it), `GET /` on a second connection; check both get 200, and tell when
 * each finished.
 */
export async function slowAndFast(port: number, delayMs: number): Promise<SlowAndFast> {
  const order: string[] = [];
  const start = performance.now();
  let fastDoneAfterMs = Number.NaN;
  const request = async (path: string): Promise<void> => {
    const response = await get(port, path, 30_000);
    if (response.statusLine !== "HTTP/1.1 200 OK") throw new Error(`${path}: ${response.statusLine}`);
    order.push(path);
    if (path === "/") fastDoneAfterMs = performance.now() - start;
  };
  const slow = request("/sleep");
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  await Promise.all([slow, request("/")]);
  return { order, fastDoneAfterMs };
}
