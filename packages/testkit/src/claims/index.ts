// The claims, without the test framework: `pnpm verify` imports this.
export { makeTarget, send, getRequest, type Target, type ServerOutput, type Exchange } from "./target.ts";
export {
  ADVICE_CLAIMS,
  BOOK_CLAIMS,
  POOL_SIZE,
  PRINTED,
  checkClaims,
  describeReply,
  type Claim,
  type Outcome,
  type Verdict,
} from "./book.ts";
