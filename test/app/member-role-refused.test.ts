/**
 * When the hub cannot get into a member account (the member role's trust policy, the external id, or a missing
 * member stack: AssumeRole answers AccessDenied), the error is named and the alert still goes out with what the
 * event itself says. Event adapted from examples/events/01-api-oom-killed.json (account changed).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ECSClient } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { scopedFlowDeps } from "../../src/app/events.js";
import { MemberRoleAccessError, memberCredentials } from "../../src/app/member-access.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import type { SlackPayload } from "../../src/shared/notify/message.js";
import { memoryStore } from "../../src/shared/notify/store/memory-store.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";

const MEMBER = "111111111111";
const example = readFileSync(
  join(import.meta.dirname, "../../examples/events/01-api-oom-killed.json"),
  "utf8",
);

describe("a member role that cannot be assumed", () => {
  it("names why and still sends the alert with what the event says", async () => {
    // STS answers AccessDenied (shaped as the SDK throws it) for every AssumeRole.
    const sts = async () =>
      ({
        send: async () => {
          throw Object.assign(new Error("User is not authorized to perform: sts:AssumeRole"), {
            name: "AccessDenied",
          });
        },
      }) as never;
    const credentialsFor = memberCredentials(
      { roleName: "ecs-sentinel-member", externalId: "ecs-sentinel-org-external-id-0001", sessionName: "t" },
      sts,
    );
    const clientsFor = (scope: { account?: string; region?: string }) => ({
      ecs: new ECSClient({
        region: scope.region ?? "us-east-1",
        credentials: credentialsFor(scope.account ?? ""),
        endpoint: "http://127.0.0.1:9",
        maxAttempts: 1,
      }),
      logs: async () => Promise.reject(new MemberRoleAccessError("no logs either")),
    });
    const config = loadConfig({
      AWS_REGION: "us-east-1",
      HUB_ACCOUNT_ID: "123456789012",
      ALLOWED_ACCOUNTS: MEMBER,
      MEMBER_EXTERNAL_ID: "ecs-sentinel-org-external-id-0001",
    });
    const log = recordingLogger();
    const posted: SlackPayload[] = [];
    const options = { log, deadline: () => 25_000 };
    const notifications = buildNotifications(config, {
      ...options,
      channels: { slack: async (payload) => void posted.push(payload) },
      store: memoryStore(),
    });
    const deps = scopedFlowDeps(config, options, notifications, clientsFor);

    const result = await dispatchEvent(JSON.parse(example.replaceAll("111122223333", MEMBER)), deps);

    expect(result.status).toBe("diagnosed");
    expect(posted).toHaveLength(1);
    expect(posted[0]?.text).toMatch(/ran out of memory/);
    expect(JSON.stringify(log.lines)).toMatch(
      /MemberRoleAccessError: cannot assume arn:aws:iam::111111111111:role\/ecs-sentinel-member \(AccessDenied\): the member role's trust policy/,
    );
  });
});
