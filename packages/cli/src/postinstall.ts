// The root `postinstall`: make node_modules/.bin/node exec Node.js, so that a
// signal sent to pnpm reaches the stage (see node-shim.ts for why). Never
// fails the install: a shim of another shape gets one warning line.
import { fileURLToPath } from "node:url";
import { execNodeShim } from "./node-shim.ts";

const root = process.argv[2] ?? fileURLToPath(new URL("../../..", import.meta.url));
const result = execNodeShim(root);
if (!result.ok) process.stderr.write(`${result.warning}\n`);
