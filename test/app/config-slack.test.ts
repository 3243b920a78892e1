/** The Slack settings of loadConfig: app mode (token, channel, API URL) and the webhook's secret names. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";

// Shaped like Slack's tokens; not real ones.
const BOT_TOKEN = "xoxb-1234567890-9876543210-AbCdEfGhIjKlMnOpQrStUvWx";
const USER_TOKEN = "xoxp-1234567890-1234567890-1234567890-0123456789abcdef";

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("loadConfig did not throw");
}

describe("app mode settings", () => {
  it("reads the bot token and the channel ID", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_CHANNEL: "C0123456789" });

    expect(config.slackBotToken).toBe(BOT_TOKEN);
    expect(config.slackChannel).toBe("C0123456789");
    expect(config.slackBotTokenFrom).toBeUndefined();
  });

  it("reads where a deployment finds the bot token", () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN_FROM: "ssm:/ecs-sentinel/slack-bot",
      SLACK_CHANNEL: "G01ABCDEF2",
    });

    expect(config.slackBotTokenFrom).toBe("ssm:/ecs-sentinel/slack-bot");
    expect(config.slackChannel).toBe("G01ABCDEF2");
  });

  it("leaves app mode off when nothing is set", () => {
    const config = loadConfig({});

    expect(config.slackBotToken).toBeUndefined();
    expect(config.slackBotTokenFrom).toBeUndefined();
    expect(config.slackChannel).toBeUndefined();
  });

  it.each([
    ["SLACK_BOT_TOKEN", BOT_TOKEN],
    ["SLACK_BOT_TOKEN_FROM", "ecs-sentinel/slack-bot"],
  ])("refuses %s without SLACK_CHANNEL, naming both", (variable, value) => {
    const error = configError({ [variable]: value });

    expect(error.message).toContain(`${variable} is set but SLACK_CHANNEL is not`);
    expect(error.message).not.toContain(BOT_TOKEN);
  });

  it("refuses a user token without quoting it", () => {
    const error = configError({ SLACK_BOT_TOKEN: USER_TOKEN, SLACK_CHANNEL: "C0123456789" });

    expect(error.message).toContain("SLACK_BOT_TOKEN is a user token (xoxp-)");
    expect(error.message).not.toContain("0123456789abcdef");
  });

  it.each(["xapp-1-A0123-abc", "not-a-token", `'${BOT_TOKEN}'`])(
    "refuses the malformed token %j",
    (token) => {
      const error = configError({ SLACK_BOT_TOKEN: token, SLACK_CHANNEL: "C0123456789" });

      expect(error.message).toMatch(/^SLACK_BOT_TOKEN /);
      expect(error.message).not.toContain(token);
    },
  );

  it.each(["#alerts", "alerts", "ops-alerts", "c0123456789"])(
    "refuses the channel name %j and says where to find the ID",
    (channel) => {
      const error = configError({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_CHANNEL: channel });

      expect(error.message).toContain(`SLACK_CHANNEL="${channel}"`);
      expect(error.message).toContain(
        "use the channel ID, not its #name: in Slack, channel details → About → Channel ID",
      );
    },
  );

  it.each([
    ["U0123456789", "a user"],
    ["D0123456789", "a direct-message conversation"],
    ["C012", "not a channel ID"],
    ["X0123456789", "not a channel ID"],
  ])("refuses %j, which is not a channel ID", (channel, says) => {
    expect(configError({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_CHANNEL: channel }).message).toContain(says);
  });

  it("refuses a bad SLACK_CHANNEL even without a token", () => {
    expect(configError({ SLACK_CHANNEL: "#alerts" }).message).toContain("SLACK_CHANNEL");
  });

  it.each(["ssm:", "ssm: /x"])("refuses SLACK_BOT_TOKEN_FROM=%j, which names no secret", (from) => {
    const error = configError({ SLACK_BOT_TOKEN_FROM: from, SLACK_CHANNEL: "C0123456789" });

    expect(error.message).toContain("SLACK_BOT_TOKEN_FROM must name");
  });
});

describe("SLACK_API_URL", () => {
  it("defaults to Slack's Web API", () => {
    expect(loadConfig({}).slackApiUrl).toBe("https://slack.com/api/");
  });

  it.each([
    ["https://slack.com/api", "https://slack.com/api/"],
    ["https://slack.example.com/api/", "https://slack.example.com/api/"],
    ["http://127.0.0.1:4567", "http://127.0.0.1:4567/"],
    ["http://localhost:4567/api", "http://localhost:4567/api/"],
  ])("normalises %s to %s", (given, normalised) => {
    expect(loadConfig({ SLACK_API_URL: given }).slackApiUrl).toBe(normalised);
  });

  it.each([
    ["http://slack.com/api/", "must use https"],
    ["ftp://slack.com/api/", "must use https"],
    ["slack.com/api", "must be a URL"],
    ["https://slack.com/api/?x=1", "no query"],
    ["https://user:pw@slack.com/api/", "must not carry credentials"],
  ])("refuses %s", (given, says) => {
    expect(configError({ SLACK_API_URL: given }).message).toContain(says);
  });
});

describe("the webhook's secret name", () => {
  it("reads SLACK_WEBHOOK_URL_FROM", () => {
    const config = loadConfig({ SLACK_WEBHOOK_URL_FROM: "ecs-sentinel/slack-webhook" });

    expect(config.slackWebhookUrlFrom).toBe("ecs-sentinel/slack-webhook");
    expect(config.slackWebhookSecret).toBe("ecs-sentinel/slack-webhook");
  });

  it("reads the old name SLACK_WEBHOOK_SECRET as SLACK_WEBHOOK_URL_FROM", () => {
    const config = loadConfig({ SLACK_WEBHOOK_SECRET: "ssm:/ops/slack" });

    expect(config.slackWebhookUrlFrom).toBe("ssm:/ops/slack");
    expect(config.slackWebhookSecret).toBe("ssm:/ops/slack");
  });

  it("accepts both names when they agree", () => {
    const config = loadConfig({ SLACK_WEBHOOK_URL_FROM: "s", SLACK_WEBHOOK_SECRET: "s" });

    expect(config.slackWebhookUrlFrom).toBe("s");
  });

  it("refuses both names naming different secrets, naming both variables", () => {
    const error = configError({ SLACK_WEBHOOK_URL_FROM: "new/slack", SLACK_WEBHOOK_SECRET: "old/slack" });

    expect(error.message).toContain("SLACK_WEBHOOK_URL_FROM");
    expect(error.message).toContain("SLACK_WEBHOOK_SECRET");
  });

  it("keeps webhook settings beside app mode (app mode wins where notifications are built)", () => {
    const config = loadConfig({
      SLACK_WEBHOOK_URL_FROM: "ecs-sentinel/slack-webhook",
      SLACK_BOT_TOKEN_FROM: "ecs-sentinel/slack-bot",
      SLACK_CHANNEL: "C0123456789",
    });

    expect(config.slackWebhookUrlFrom).toBe("ecs-sentinel/slack-webhook");
    expect(config.slackBotTokenFrom).toBe("ecs-sentinel/slack-bot");
  });
});

describe("the signing secret's secret name", () => {
  it("reads where a deployment finds the signing secret", () => {
    const config = loadConfig({ SLACK_SIGNING_SECRET_FROM: "ssm:/ecs-sentinel/slack-signing" });

    expect(config.slackSigningSecretFrom).toBe("ssm:/ecs-sentinel/slack-signing");
  });

  it("refuses a name that is empty or has spaces, like every other secret's name", () => {
    const empty = configError({ SLACK_SIGNING_SECRET_FROM: "ssm:" });
    const spaced = configError({ SLACK_SIGNING_SECRET_FROM: "ecs-sentinel/slack signing" });

    expect(empty.message).toMatch(/^SLACK_SIGNING_SECRET_FROM must name a Secrets Manager secret/);
    expect(spaced.message).toMatch(/^SLACK_SIGNING_SECRET_FROM must name a Secrets Manager secret/);
  });
});
