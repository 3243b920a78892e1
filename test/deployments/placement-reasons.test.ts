import { describe, expect, it } from "vitest";
import { explainPlacementFailure } from "../../src/shared/deployments/placement-reasons.js";

describe("explainPlacementFailure", () => {
  it.each([
    ["RESOURCE:CPU", "insufficient-cpu", "warning"],
    ["RESOURCE:MEMORY", "insufficient-memory", "warning"],
    ["RESOURCE:ENI", "no-free-eni", "warning"],
    ["RESOURCE:GPU", "insufficient-gpu", "warning"],
    ["RESOURCE:PORTS_TCP", "port-in-use", "warning"],
    ["RESOURCE:FARGATE", "fargate-capacity", "warning"],
    [
      "Capacity is unavailable at this time. Please try again later or in a different availability zone",
      "fargate-capacity",
      "warning",
    ],
    ["No Container Instances were found in your cluster.", "no-container-instances", "critical"],
    ["AGENT", "agent-disconnected", "warning"],
    ["ATTRIBUTE", "missing-attribute", "warning"],
    ["memberOf constraint not satisfied", "constraint-unsatisfied", "warning"],
    ["resource:cpu", "insufficient-cpu", "warning"],
  ] as const)("explains %j as %s (%s)", (reason, id, severity) => {
    const explanation = explainPlacementFailure(reason);

    expect(explanation.id).toBe(id);
    expect(explanation.severity).toBe(severity);
    expect(explanation.remediation.length).toBeGreaterThan(0);
    expect(explanation.docs.length).toBeGreaterThan(0);
  });

  it.each([undefined, null, "", "SOMETHING:NEW"])("gives a generic explanation for reason %j", (reason) => {
    const explanation = explainPlacementFailure(reason);

    expect(explanation.id).toBe("placement-failure");
    expect(explanation.severity).toBe("warning");
  });
});
