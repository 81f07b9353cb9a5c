/**
 * Core's diagnostics: one line on stderr each. The stages' own output (what
 * the book prints) goes to stdout, so the two never mix.
 */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
