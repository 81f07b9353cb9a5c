// The ThreadPool on its own, in this process, with test jobs.
import { TcpListener } from "core";
import { describeThreadPool } from "testkit";
import { PoolCreationError, ThreadPool } from "../src/lib.ts";

describeThreadPool({ TcpListener, ThreadPool, PoolCreationError });
