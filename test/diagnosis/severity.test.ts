import { describe, expect, it } from "vitest";
import { severityOf } from "../../src/shared/diagnosis/severity.js";
import { CATEGORIES, type Category } from "../../src/shared/diagnosis/types.js";

const INFO: Category[] = ["scaling", "user-stopped"];
const WARNING: Category[] = [
  "elb-health-check",
  "container-health-check",
  "spot-interruption",
  "platform",
  "placement",
  "unknown",
];

describe("severity", () => {
  it.each(INFO)("is info for %s", (category) => {
    expect(severityOf(category, true)).toBe("info");
  });

  it.each(WARNING)("is warning for %s", (category) => {
    expect(severityOf(category, true)).toBe("warning");
  });

  it.each(CATEGORIES.filter((c) => !INFO.includes(c) && !WARNING.includes(c) && c !== "completed"))(
    "is critical for %s",
    (category) => {
      expect(severityOf(category, true)).toBe("critical");
      expect(severityOf(category, false)).toBe("critical");
    },
  );

  it("is info for a completed standalone task and warning for a completed service task", () => {
    expect(severityOf("completed", false)).toBe("info");
    expect(severityOf("completed", true)).toBe("warning");
  });
});
