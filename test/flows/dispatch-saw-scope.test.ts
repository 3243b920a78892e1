/** dispatchEvent awaits `sawScope` for every event it acts on, after the account check (issue 17). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DispatchResult, dispatchEvent, type FlowDeps } from "../../src/shared/flows/dispatch.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";

const deploymentEvent = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../examples/events/02-api-deployment-in-progress.json"), "utf8"),
) as { account: string; region: string };

function depsRecording(refuse?: string) {
  const order: string[] = [];
  const deps = {
    log: recordingLogger(),
    deploymentEvent: async (): Promise<DispatchResult> => {
      order.push("handled");
      return { status: "handled", detailType: "ECS Deployment State Change", summary: "" };
    },
    forScope: () => (refuse ? refuse : deps),
    sawScope: async (scope: { account?: string; region?: string }) => {
      order.push(`saw ${scope.account}/${scope.region}`);
    },
  } as unknown as FlowDeps;
  return { deps, order };
}

describe("dispatchEvent's sawScope hook", () => {
  it("records the event's account and region before the use case runs", async () => {
    const { deps, order } = depsRecording();

    const result = await dispatchEvent(deploymentEvent, deps);

    expect(result.status).toBe("handled");
    expect(order).toEqual([`saw ${deploymentEvent.account}/${deploymentEvent.region}`, "handled"]);
  });

  it("records nothing for an event of an account the deployment does not act for", async () => {
    const { deps, order } = depsRecording("account 111122223333 is not among the allowed accounts");

    const result = await dispatchEvent(deploymentEvent, deps);

    expect(result.status).toBe("dropped");
    expect(order).toEqual([]);
  });

  it("records nothing for an event that does not parse", async () => {
    const { deps, order } = depsRecording();

    const result = await dispatchEvent({ "detail-type": "ECS Deployment State Change" }, deps);

    expect(result.status).toBe("dropped");
    expect(order).toEqual([]);
  });
});
