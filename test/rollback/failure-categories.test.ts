import { describe, expect, it } from "vitest";
import { CATEGORIES } from "../../src/shared/diagnosis/types.js";
import {
  FAILURE_CATEGORIES,
  isRollbackFailure,
  NON_FAILURE_CATEGORIES,
} from "../../src/shared/rollback/failure-categories.js";

describe("rollback failure categories", () => {
  it("split every category into exactly one of failure / not a failure", () => {
    for (const category of CATEGORIES) {
      expect(FAILURE_CATEGORIES.has(category)).toBe(!NON_FAILURE_CATEGORIES.has(category));
    }
  });

  it.each(["scaling", "user-stopped", "spot-interruption", "platform", "placement"] as const)(
    "does not count %s as a failure",
    (category) => {
      expect(isRollbackFailure(category)).toBe(false);
    },
  );

  it.each([
    "app-exit",
    "out-of-memory",
    "image-pull",
    "secrets",
    "elb-health-check",
    "completed",
    "unknown",
  ] as const)("counts %s as a failure", (category) => {
    expect(isRollbackFailure(category)).toBe(true);
  });
});
