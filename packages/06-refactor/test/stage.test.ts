// The same table of requests and the same robustness checks run against 05
// and 06: the refactoring must not change what a client sees.
import { describeRoutingStage } from "testkit";

describeRoutingStage(import.meta.url, { typing: true });
