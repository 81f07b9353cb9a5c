// Where the browser tests write down what they saw, one line per fact: the
// run's record of error codes, connection counts and times (printed at the
// end of the run by test/global-setup.ts, kept by turbo with the results).
import { fileURLToPath } from "node:url";

export const SEEN_FILE = fileURLToPath(new URL("../test-results/seen.txt", import.meta.url));
