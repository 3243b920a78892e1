import { describe } from "vitest";
import { memoryProblemStore } from "../../../src/shared/notify/problems/memory-store.js";
import { problemStoreContract } from "./problem-store.contract.js";

describe("the in-memory problem store", () => {
  problemStoreContract(async () => memoryProblemStore());
});
