import { connect, get, readToClose } from "./client.ts";

/** What `slowAndFast` saw. */
interface SlowAndFast {
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

/**
 * A SLEEP_MS for checks of the form "X happens while /sleep is still
 * sleeping": far longer than anything a loaded machine adds to X (which
 * takes milliseconds on an idle one), so the margin is not in doubt. The
 * test does not wait for such a sleep: it abandons the request and stops the
 * stage.
 */
export const LONG_SLEEP_MS = 20_000;

/** A request left running while the test looks at something else. */
export interface InFlight {
  /** True once the server has closed the connection, after answering or not. */
  finished(): boolean;
  /** Close the connection from our side, leaving the server to find out. */
  abandon(): void;
}

/** Send `GET path` on a connection of its own, and return without waiting for the answer. */
export async function startGet(port: number, path: string): Promise<InFlight> {
  const socket = await connect(port);
  let finished = false;
  let abandoned = false;
  // Bounded like every wait here; a test abandons the request long before.
  readToClose(socket, 60_000).then(
    () => (finished = !abandoned),
    () => (finished = !abandoned),
  );
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  return {
    finished: () => finished,
    abandon: () => {
      abandoned = true;
      socket.destroy();
    },
  };
}
