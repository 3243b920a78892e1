/**
 * An Organization hub routes by account (ACCOUNT_ROUTING) under the services' own tags, and names accounts
 * (ACCOUNT_NAMES) in every message.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/app/config.js";
import type { EmailMessage, Message, SlackPayload } from "../../../src/shared/notify/message.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import { renderEmail, renderSlack } from "../../../src/shared/notify/render/index.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import { stopMessage } from "./stop-message.js";

const PROD = "111111111111";
const STAGING = "222222222222";

const stop = (account: string): Message => stopMessage({ account, region: "us-east-1" });

function harness(env: Record<string, string>, tags: Record<string, string> = {}) {
  const config = loadConfig(env);
  const slack: SlackPayload[] = [];
  const email: EmailMessage[] = [];
  const service = buildNotificationService({
    channels: { slack: async (p) => void slack.push(p), email: async (m) => void email.push(m) },
    render: { slack: renderSlack, email: renderEmail },
    store: memoryStore(),
    tagsFor: async () => tags,
    accountNames: config.accountNames,
    accountOverrides: config.accountRouting,
  });
  return { service, slack, email };
}

const serviceIn = (account: string) => `arn:aws:ecs:us-east-1:${account}:service/prod/api`;

describe("routing and naming by account", () => {
  it("sends staging to Slack only while prod still emails, by ACCOUNT_ROUTING", async () => {
    const { service, email, slack } = harness({
      ACCOUNT_ROUTING: JSON.stringify({ [STAGING]: { channels: "slack" } }),
    });

    await service.notify(stop(PROD), { dedupeKey: "prod", serviceArn: serviceIn(PROD) });
    const staging = await service.notify(stop(STAGING), {
      dedupeKey: "staging",
      serviceArn: serviceIn(STAGING),
    });

    expect(slack).toHaveLength(2);
    expect(email).toHaveLength(1);
    expect(staging.channels.email).toEqual({ status: "skipped", reason: "routed-out" });
  });

  it("mutes a whole account, and a service's own tags win over its account's routing", async () => {
    const muted = harness({ ACCOUNT_ROUTING: JSON.stringify({ [STAGING]: { mute: "true" } }) });
    const tagged = harness(
      { ACCOUNT_ROUTING: JSON.stringify({ [STAGING]: { channels: "slack" } }) },
      { "ecs-sentinel:channels": "email" },
    );

    const silent = await muted.service.notify(stop(STAGING), {
      dedupeKey: "m",
      serviceArn: serviceIn(STAGING),
    });
    const byTag = await tagged.service.notify(stop(STAGING), {
      dedupeKey: "t",
      serviceArn: serviceIn(STAGING),
    });

    expect(silent.channels.slack).toEqual({ status: "skipped", reason: "muted" });
    expect(byTag.channels).toMatchObject({ email: { status: "sent" }, slack: { status: "skipped" } });
  });

  it("names the account in every message", async () => {
    const { service, slack, email } = harness({ ACCOUNT_NAMES: `${PROD}=prod` });

    await service.notify(stop(PROD), { dedupeKey: "named" });

    expect(JSON.stringify(slack[0])).toContain(`account prod (${PROD})`);
    expect(email[0]?.body).toContain(`account prod (${PROD})`);
  });

  it("fails loudly on a typo in ACCOUNT_ROUTING or ACCOUNT_NAMES", () => {
    expect(() =>
      loadConfig({ ACCOUNT_ROUTING: JSON.stringify({ [STAGING]: { channel: "slack" } }) }),
    ).toThrow(
      /ACCOUNT_ROUTING.222222222222.channel is not one of channels, min-severity, slack-channel, mute/,
    );
    expect(() =>
      loadConfig({ ACCOUNT_ROUTING: JSON.stringify({ [STAGING]: { channels: "slak" } }) }),
    ).toThrow(/ACCOUNT_ROUTING.222222222222: channels expected a list of/);
    expect(() => loadConfig({ ACCOUNT_NAMES: "11111=prod" })).toThrow(/ACCOUNT_NAMES must read ACCOUNT=NAME/);
    expect(() => loadConfig({ ALLOWED_ACCOUNTS: PROD })).toThrow(/MEMBER_EXTERNAL_ID is not set/);
  });
});
