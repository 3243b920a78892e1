import { describe } from "vitest";
import { memoryActionStore } from "../../src/shared/slack-actions/memory-store.js";
import { actionStoreContract } from "./action-store.contract.js";

let n = 0;
describe("the in-memory action store", () => {
  actionStoreContract(memoryActionStore, () => `1765000000.${String(++n).padStart(6, "0")}`);
});
