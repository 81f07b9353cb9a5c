// Stage 09's ThreadPool tests, against this stage's copy with cleanup added.
import { TcpListener } from "core";
import { describeThreadPool } from "testkit";
import { PoolCreationError, ThreadPool } from "../src/lib.ts";

describeThreadPool({
  TcpListener,
  ThreadPool,
  PoolCreationError,
  dispose: (pool) => (pool as ThreadPool)[Symbol.asyncDispose](),
});
