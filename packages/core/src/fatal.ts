/** A problem that stops the program at start: bad settings, a taken port. */
export class StartupError extends Error {
  override name = "StartupError";
}

/**
 * Print one clear line on stderr and exit with code 1. This is where the
 * book's `unwrap()` would panic with a backtrace; a reader gets a sentence.
 */
export function exitWithError(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/** The first line of an error's message, for one-line logs. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n", 1)[0] ?? "";
}
