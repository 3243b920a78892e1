/**
 * An Organization hub rolls back a member account's failed deployment only where that account's service is tagged,
 * through that account's ECS client (the member role), never the hub's: two member accounts, each with the same
 * service failing, answered by its own aws-sdk-client-mock instance shaped like the API reference
 * (test/scenarios/support/ecs-world.ts); only the opted-in one is changed.
 */
import { ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { scopedFlowDeps } from "../../src/app/events.js";
import type { Scope } from "../../src/app/member-access.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { memoryStore } from "../../src/shared/notify/store/memory-store.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { ecsWorld, OPT_IN } from "./support/ecs-world.js";
import { deploymentEvent } from "./support/events.js";

// ecs-world's service lives in 123456789012: that is the opted-in member; the other member's events name 210987654321.
const OPTED_IN = "123456789012";
const UNTAGGED = "210987654321";
const HUB = "999988887777";

function failedIn(account: string) {
  const event = deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" });
  return JSON.parse(JSON.stringify(event).replaceAll("123456789012", account)) as typeof event;
}

describe("a hub rolling back in member accounts", () => {
  it("rolls back the tagged member's service through that member's client, and nothing in the untagged one", async () => {
    const optedInEcs = new ECSClient({ region: "us-west-2" });
    const untaggedEcs = new ECSClient({ region: "us-west-2" });
    const optedInMock = mockClient(optedInEcs);
    const untaggedMock = mockClient(untaggedEcs);
    const optedIn = ecsWorld(optedInMock, { tags: [OPT_IN], rollout: "FAILED" });
    const untagged = ecsWorld(untaggedMock, { tags: [], rollout: "FAILED" });
    optedInMock.on(ListTagsForResourceCommand).resolves({ tags: [OPT_IN] });
    untaggedMock.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const scopes: Scope[] = [];
    const clientsFor = (scope: Scope) => {
      scopes.push(scope);
      const ecs = scope.account === OPTED_IN ? optedInEcs : untaggedEcs;
      return { ecs, logs: async () => Promise.reject(new Error("no logs in this test")) };
    };
    const config = loadConfig({
      AWS_REGION: "us-east-1",
      HUB_ACCOUNT_ID: HUB,
      ALLOWED_ACCOUNTS: `${OPTED_IN},${UNTAGGED}`,
      MEMBER_EXTERNAL_ID: "ecs-sentinel-org-external-id-0001",
    });
    const log = recordingLogger();
    const options = { log, deadline: () => 25_000 };
    const notifications = buildNotifications(config, { ...options, channels: {}, store: memoryStore() });
    const deps = scopedFlowDeps(config, options, notifications, clientsFor);

    const tagged = await dispatchEvent(failedIn(OPTED_IN), deps);
    const notTagged = await dispatchEvent(failedIn(UNTAGGED), deps);

    expect(tagged.status).toBe("handled");
    expect(notTagged.status).toBe("handled");
    expect(optedIn.mutations()).toHaveLength(1);
    expect(untagged.mutations()).toHaveLength(0);
    expect(JSON.stringify(notTagged)).toMatch(/not opted in|opt-in|not-opted-in/i);
    expect(scopes).toEqual(
      expect.arrayContaining([
        { account: OPTED_IN, region: "us-west-2" },
        { account: UNTAGGED, region: "us-west-2" },
      ]),
    );
  });
});
