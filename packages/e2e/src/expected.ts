// What a reader sees in Chromium at each stage, as the browser tests check
// it and the stages' READMEs tell it (test/readmes.test.ts holds the READMEs
// to this file): the error codes Chromium's error page can show, and the
// picture `pnpm screenshots` saves.

/**
 * Chromium's error codes, per stage that shows an error page. Which one
 * comes can change from one load to the next (01: whether the request was
 * already there when the stage dropped the connection, see 01's README);
 * a code not listed fails the test, which names it.
 */
export const ERROR_CODES: Readonly<Record<string, readonly string[]>> = {
  // The connection is dropped with the request unread: a reset, or a close before the request came.
  "01-listen": ["ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE", "ERR_SOCKET_NOT_CONNECTED"],
  // The request is read, and the connection closed with nothing sent.
  "02-read-request": ["ERR_EMPTY_RESPONSE"],
  // After the shutdown, nothing listens on the port: a reload is refused.
  "10-graceful-shutdown": ["ERR_CONNECTION_REFUSED"],
};

/** The codes for `stage`'s error page. */
export function errorCodes(stage: string): readonly string[] {
  const codes = ERROR_CODES[stage];
  if (!codes) throw new Error(`${stage} shows no error page in these tests`);
  return codes;
}

/** The picture of `stage`, relative to the repository's root. */
export const picturePath = (stage: string): string => `docs/screenshots/${stage}.png`;
