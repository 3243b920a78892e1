import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventParseError, parseEcsEvent } from "../../src/shared/events/index.js";

const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/ecs-events", name), "utf8")) as Record<
    string,
    unknown
  >;

describe("parseEcsEvent: container instance events", () => {
  it("reads the documented health change with its failing check", () => {
    const event = parseEcsEvent(load("container-instance-health-agent-connectivity-impaired.doc.json"));

    expect(event["detail-type"]).toBe("ECS Container Instance Health Change");
    if (event["detail-type"] !== "ECS Container Instance Health Change") return;
    expect(event.detail.overallStatus).toBe("IMPAIRED");
    expect(event.detail.ec2InstanceId).toBe("i-0abcdef1234567890");
    expect(event.detail.capacityProviderName).toBe("my-capacity-provider");
    expect(event.detail.healthChecks[0]).toMatchObject({
      type: "AGENT_CONNECTIVITY",
      status: "IMPAIRED",
      statusReason: "Agent disconnected since 2026-07-29T22:34:13Z",
    });
  });

  it("accepts null capacity provider and null status reason of the documented OK event", () => {
    const event = parseEcsEvent(load("container-instance-health-runtime-ok.doc.json"));

    if (event["detail-type"] !== "ECS Container Instance Health Change") throw new Error("wrong type");
    expect(event.detail.capacityProviderName).toBeNull();
    expect(event.detail.healthChecks[0]?.statusReason).toBeNull();
  });

  it("reads the documented state change: agent connection and status", () => {
    const event = parseEcsEvent(load("container-instance-state-change.doc.json"));

    expect(event["detail-type"]).toBe("ECS Container Instance State Change");
    if (event["detail-type"] !== "ECS Container Instance State Change") return;
    expect(event.detail).toMatchObject({
      agentConnected: true,
      status: "ACTIVE",
      ec2InstanceId: "i-f3a8506b",
    });
  });

  it("refuses a state change that names no container instance", () => {
    const raw = load("container-instance-state-change.doc.json");
    delete (raw.detail as Record<string, unknown>).containerInstanceArn;

    expect(() => parseEcsEvent(raw)).toThrow(EventParseError);
  });
});
