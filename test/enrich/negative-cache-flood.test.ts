/** The flood bench's claim, kept true: an undescribable task definition costs one ECS call per container, not per stop. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchNegativeCache } from "../../scripts/bench/negative-cache.js";

const root = join(import.meta.dirname, "../..");

describe("a flood of 1,000 stops whose task definition may not be described", () => {
  it("costs one DescribeTaskDefinition in all, and every event still logs why context is missing", async () => {
    const result = await benchNegativeCache(root, 1000);

    expect(result.ecsCalls).toEqual({ DescribeTaskDefinition: 1 });
    expect(result.ecsCallsPerEvent).toBeLessThanOrEqual(0.001);
    expect(result.eventsLoggingTheReason).toBe(1000);
    expect(result.messages).toBe(1000);
  });
});
