import { describe, expect, it } from "vitest";
import { BOOK_CLAIMS, checkClaims, makeTarget, type Target } from "./claims/index.ts";
import type { RunningStage } from "./process.ts";

/**
 * The book's claims for stage `number` ("01" … "10"), one test each, against
 * the stage of this test file: the very definitions `pnpm verify` checks a
 * reader's server with. The claims share one Target (and so its
 * measurements), made once the stage runs; they count only their own
 * connections, so other tests of the same stage may come before them.
 */
export function describeBookClaims(number: string, stage: () => RunningStage, sleepMs?: number): void {
  const claims = BOOK_CLAIMS[number];
  if (!claims) throw new Error(`no claims for stage ${number}`);
  let target: Target | undefined;
  const targetOf = (): Target => {
    const running = stage();
    target ??= makeTarget({ port: () => running.port, output: running, sleepMs });
    return target;
  };
  describe("what the book says the reader sees (the claims `pnpm verify` checks)", () => {
    it.each(claims.map((claim) => ({ claim, says: claim.says })))("$says", async ({ claim }) => {
      const [outcome] = await checkClaims([claim], targetOf());
      const verdict = outcome?.verdict;
      expect(
        outcome?.status,
        `sent: ${verdict?.sent ?? "-"}\ngot: ${verdict?.got ?? "-"}\nhint: ${verdict?.hint ?? "-"}`,
      ).toBe("pass");
    });
  });
}
