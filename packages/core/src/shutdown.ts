import { log } from "./log.ts";

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Turn SIGINT (Ctrl+C) and SIGTERM into a graceful shutdown. The first one
 * aborts the returned signal: pass it to `TcpListener.bind`, and the server
 * stops accepting while the work already started finishes. A second one
 * exits at once, with the shell's code for that signal (130 or 143). The
 * handlers stay for the life of the process; they do not keep it running.
 */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.on(name, () => {
      if (controller.signal.aborted) {
        log(`${name} again: exiting now`);
        process.exit(EXIT_CODES[name]);
      }
      log(`${name}: finishing the requests in progress, then exiting (send it again to exit at once)`);
      controller.abort(name);
    });
  }
  return controller.signal;
}
