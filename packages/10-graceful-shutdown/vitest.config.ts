// The repository's shared vitest settings, as they are: ../../vitest.shared.ts.
export { default } from "../../vitest.shared.ts";
