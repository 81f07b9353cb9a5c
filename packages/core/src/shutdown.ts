import { log } from "./log.ts";

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * A repeat of the signal within this many milliseconds is the same stop,
 * delivered twice: `timeout`, `docker stop` or an IDE signal the whole
 * process group, and pnpm passes the signal on to the stage as well. A
 * person pressing Ctrl+C again takes longer than this.
 */
export const REPEAT_MS = 500;

/**
 * Turn SIGINT (Ctrl+C) and SIGTERM into a graceful shutdown. The first one
 * aborts the returned signal: pass it to `TcpListener.bind`, and the server
 * stops accepting while the work already started finishes. A second one, at
 * least REPEAT_MS later, exits at once, with the shell's code for that signal
 * (130 or 143); one sooner is the same stop delivered twice, and ignored. The
 * handlers stay for the life of the process; they do not keep it running.
 */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  let firstAt = 0;
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.on(name, () => {
      if (controller.signal.aborted) {
        if (performance.now() - firstAt < REPEAT_MS) return;
        log(`${name} again: exiting now`);
        process.exit(EXIT_CODES[name]);
      }
      firstAt = performance.now();
      log(`${name}: finishing the requests in progress, then exiting (send it again to exit at once)`);
      controller.abort(name);
    });
  }
  return controller.signal;
}
