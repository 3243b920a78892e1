/** Flood control counts stops: the window of their stop times and a few task ARNs (in-memory store). */
import { describe } from "vitest";
import { memoryStore } from "../../src/shared/notify/store/index.js";
import { stopCountingContract } from "./support/stop-counting-contract.js";

describe("in-memory throttle store: stops", () => {
  stopCountingContract(() => memoryStore());
});
