/** The PagerDuty, Microsoft Teams and Amazon Q Developer settings of loadConfig: defaults, and typos failing loudly. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { DEFAULT_PAGERDUTY_EVENTS_URL } from "../../src/shared/notify/transports/pagerduty.js";

// Shaped like an Events API v2 integration key and a Workflows webhook; neither is real.
const ROUTING_KEY = "R0ut1ngK3yF0rT3st5AbCdEfGhIjKlMn";
const TEAMS_URL = "https://teams-workflows.example.test/workflows/abc123/triggers/manual/run?sig=S3cr3tSig";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:ecs-sentinel-chatbot";

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("loadConfig did not throw");
}

describe("defaults of the on-call channels", () => {
  it("leaves PagerDuty, Teams and Amazon Q Developer off, PagerDuty at its enqueue endpoint", () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      pagerDutyEventsUrl: DEFAULT_PAGERDUTY_EVENTS_URL,
      pagerdutyMinSeverity: "critical",
      teamsMinSeverity: "warning",
      chatbotMinSeverity: "warning",
    });
    expect(config.pagerDutyRoutingKey).toBeUndefined();
    expect(config.pagerDutyRoutingKeyFrom).toBeUndefined();
    expect(config.teamsWebhookUrl).toBeUndefined();
    expect(config.teamsWebhookUrlFrom).toBeUndefined();
    expect(config.chatbotTopicArn).toBeUndefined();
  });

  it("pages at PagerDuty's documented Events API v2 enqueue path over https", () => {
    const url = new URL(DEFAULT_PAGERDUTY_EVENTS_URL);

    expect(url.protocol).toBe("https:");
    expect(url.pathname).toBe("/v2/enqueue");
  });
});

describe("PagerDuty settings", () => {
  it("reads the routing key, trimmed", () => {
    expect(loadConfig({ PAGERDUTY_ROUTING_KEY: ` ${ROUTING_KEY}\n` }).pagerDutyRoutingKey).toBe(ROUTING_KEY);
  });

  it.each([ROUTING_KEY.slice(0, 20), `"${ROUTING_KEY}"`, `${ROUTING_KEY.slice(0, 31)}!`])(
    "refuses the malformed routing key %j, naming the variable and never quoting the key",
    (key) => {
      const error = configError({ PAGERDUTY_ROUTING_KEY: key });

      expect(error.message).toMatch(/^PAGERDUTY_ROUTING_KEY: /);
      expect(error.message).not.toContain(ROUTING_KEY.slice(0, 12));
    },
  );

  it.each(["ecs-sentinel/pagerduty", "ssm:/ecs-sentinel/pagerduty", "/ecs-sentinel/pagerduty"])(
    "reads where a deployment finds the routing key: %s",
    (from) => {
      expect(loadConfig({ PAGERDUTY_ROUTING_KEY_FROM: from }).pagerDutyRoutingKeyFrom).toBe(from);
    },
  );

  it.each(["ssm:", "pagerduty key"])(
    "refuses PAGERDUTY_ROUTING_KEY_FROM=%j, which names no secret",
    (from) => {
      expect(configError({ PAGERDUTY_ROUTING_KEY_FROM: from }).message).toContain(
        "PAGERDUTY_ROUTING_KEY_FROM must name",
      );
    },
  );

  it.each([
    ["http://127.0.0.1:4599/v2/enqueue", "http://127.0.0.1:4599/v2/enqueue"],
    ["http://localhost:4599/v2/enqueue", "http://localhost:4599/v2/enqueue"],
    ["https://events.example.test/v2/enqueue", "https://events.example.test/v2/enqueue"],
  ])("points PagerDuty at %s", (given, url) => {
    expect(loadConfig({ PAGERDUTY_EVENTS_URL: given }).pagerDutyEventsUrl).toBe(url);
  });

  it.each([
    ["http://events.example.test/v2/enqueue", "PAGERDUTY_EVENTS_URL must use https"],
    ["ftp://127.0.0.1/v2/enqueue", "PAGERDUTY_EVENTS_URL must use https"],
    ["events.example.test/v2/enqueue", "PAGERDUTY_EVENTS_URL must be a URL"],
  ])("refuses PAGERDUTY_EVENTS_URL=%s", (given, says) => {
    expect(configError({ PAGERDUTY_EVENTS_URL: given }).message).toContain(says);
  });

  it("refuses a PAGERDUTY_EVENTS_URL with credentials without echoing them", () => {
    const error = configError({ PAGERDUTY_EVENTS_URL: "https://ops:hunter2@events.example.test/v2/enqueue" });

    expect(error.message).toBe("PAGERDUTY_EVENTS_URL must not carry credentials");
  });

  it.each([
    ["info", "info"],
    [" Warning ", "warning"],
    ["CRITICAL", "critical"],
  ])("reads PAGERDUTY_MIN_SEVERITY=%j as %s", (given, severity) => {
    expect(loadConfig({ PAGERDUTY_MIN_SEVERITY: given }).pagerdutyMinSeverity).toBe(severity);
  });
});

describe("Microsoft Teams settings", () => {
  it("reads the Workflows webhook URL, and http on the loopback interface for tests", () => {
    expect(loadConfig({ TEAMS_WEBHOOK_URL: TEAMS_URL }).teamsWebhookUrl).toBe(TEAMS_URL);
    expect(loadConfig({ TEAMS_WEBHOOK_URL: "http://127.0.0.1:4600/teams" }).teamsWebhookUrl).toBe(
      "http://127.0.0.1:4600/teams",
    );
  });

  it.each([
    ["plain http", TEAMS_URL.replace("https:", "http:"), "must use https"],
    ["credentials", "https://ops:S3cr3tSig@teams-workflows.example.test/run", "must not carry credentials"],
    ["no URL", "teams-workflows.example.test/run?sig=S3cr3tSig", "not a valid URL"],
  ])(
    "refuses a TEAMS_WEBHOOK_URL with %s, naming the variable and never echoing the URL",
    (_what, url, says) => {
      const error = configError({ TEAMS_WEBHOOK_URL: url });

      expect(error.message).toMatch(/^TEAMS_WEBHOOK_URL: /);
      expect(error.message).toContain(says);
      expect(error.message).not.toContain("S3cr3tSig");
      expect(error.message).not.toContain("teams-workflows.example.test");
    },
  );

  it("reads where a deployment finds the webhook URL", () => {
    expect(loadConfig({ TEAMS_WEBHOOK_URL_FROM: "ssm:/ecs-sentinel/teams" }).teamsWebhookUrlFrom).toBe(
      "ssm:/ecs-sentinel/teams",
    );
  });

  it("refuses a TEAMS_WEBHOOK_URL_FROM that names no secret", () => {
    expect(configError({ TEAMS_WEBHOOK_URL_FROM: "ssm:" }).message).toContain(
      "TEAMS_WEBHOOK_URL_FROM must name",
    );
  });

  it("reads TEAMS_MIN_SEVERITY", () => {
    expect(loadConfig({ TEAMS_MIN_SEVERITY: "critical" }).teamsMinSeverity).toBe("critical");
  });
});

describe("Amazon Q Developer settings", () => {
  it.each([TOPIC, "arn:aws-cn:sns:cn-north-1:123456789012:chatbot.fifo-less_name"])(
    "reads the SNS topic ARN %s",
    (arn) => {
      expect(loadConfig({ CHATBOT_TOPIC_ARN: arn }).chatbotTopicArn).toBe(arn);
    },
  );

  it.each([
    "ecs-sentinel-chatbot",
    "arn:aws:sqs:eu-west-1:123456789012:ecs-sentinel-chatbot",
    "arn:aws:sns:eu-west-1:1234:ecs-sentinel-chatbot",
    "arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops",
  ])("refuses CHATBOT_TOPIC_ARN=%s, naming the variable and the expected shape", (arn) => {
    const error = configError({ CHATBOT_TOPIC_ARN: arn });

    expect(error.message).toContain(
      "CHATBOT_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)",
    );
  });

  it("reads CHATBOT_MIN_SEVERITY", () => {
    expect(loadConfig({ CHATBOT_MIN_SEVERITY: "info" }).chatbotMinSeverity).toBe("info");
  });
});

describe("the channels' minimum severities", () => {
  it.each(["PAGERDUTY_MIN_SEVERITY", "TEAMS_MIN_SEVERITY", "CHATBOT_MIN_SEVERITY"])(
    "refuses a typo in %s, naming the variable and the severities",
    (variable) => {
      const error = configError({ [variable]: "critcal" });

      expect(error.message).toBe(`${variable} must be one of info, warning, critical, got "critcal"`);
    },
  );
});
