import { describe, expect, it } from "vitest";
import { hookCardPatch, trafficSplit } from "../../src/shared/hooks/card.js";
import type { HookPayload } from "../../src/shared/hooks/payload.js";

const GREEN = "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373577095";
const BLUE = "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373578954";

describe("what a hook call shows on the deployment's card", () => {
  it("splits ECS's traffic weights into the new revision and the rest", () => {
    expect(trafficSplit({ [GREEN]: 10, [BLUE]: 90 }, GREEN)).toBe("new 10% · old 90%");
    expect(trafficSplit({ [GREEN]: 100 }, GREEN)).toBe("new 100% · old 0%");
    expect(trafficSplit({}, GREEN)).toBeUndefined();
  });

  it("shows the stage, both traffic splits and the verdict so far, dated by the call", () => {
    const payload: HookPayload = {
      lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
      serviceArn: "arn:aws:ecs:us-west-2:123456789012:service/example/sd-example",
      targetServiceRevisionArn: GREEN,
      testTrafficWeights: { [GREEN]: 100, [BLUE]: 0 },
      productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 },
      hookDetails: {},
    };

    const patch = hookCardPatch(payload, { hookStatus: "IN_PROGRESS", reason: "baking 30 of 120 s" }, 42);

    expect(patch).toEqual({
      at: 42,
      facts: [
        { label: "Stage", value: "POST_TEST_TRAFFIC_SHIFT" },
        { label: "Production traffic", value: "new 0% · old 100%" },
        { label: "Test traffic", value: "new 100% · old 0%" },
        { label: "Hook", value: "IN_PROGRESS: baking 30 of 120 s" },
      ],
    });
  });
});
