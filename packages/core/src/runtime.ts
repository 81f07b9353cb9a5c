// The Node.js this project needs, checked before anything else of core runs.
// Every stage imports core first, so on a Node.js that can run the stage's
// TypeScript at all (22.18 and later strip types), an older version is
// refused in one line instead of failing later with a stack trace (on 22,
// stages 08 and 09 listen, then crash at the first request: a socket cannot
// move to a worker thread there). Older Node.js cannot load a `.ts` file, and
// 22 and 23 cannot parse `using`: those fail before any code runs, with the
// error the READMEs describe.

/** Node.js lines that can move a socket to a worker thread, from which minor version on. */
const SUPPORTED: Readonly<Record<number, number>> = { 24: 20, 26: 6 };
const NEWEST_LISTED = 26;

/** "24.20" for a version string such as "24.21.0" (the major and minor parts). */
function parse(version: string): { major: number; minor: number } {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return { major, minor };
}

/**
 * Why `version` (as in `process.versions.node`) cannot run the stages, or
 * undefined when it can: Node.js 24.20 or newer in the 24 line, 26.6 or
 * newer in the 26 line, or any later line.
 */
export function runtimeProblem(version: string): string | undefined {
  const { major, minor } = parse(version);
  const least = SUPPORTED[major];
  if (major > NEWEST_LISTED || (least !== undefined && minor >= least)) return undefined;
  return (
    `this needs Node.js 24.20 or newer (or 26.6 or newer), and this is Node.js ${version}; ` +
    "run the stages through pnpm as the README shows (`pnpm --filter 01-listen start`), which uses the Node.js 24 that `pnpm install` provides"
  );
}

const problem = runtimeProblem(process.versions.node);
if (problem) {
  // Not exitWithError: this module must not import anything that could fail first.
  process.stderr.write(`error: ${problem}\n`);
  process.exit(1);
}
