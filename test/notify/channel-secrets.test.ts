/**
 * The PagerDuty routing key and the Teams webhook URL: validated without ever quoting them, and read (value or JSON)
 * from SSM or Secrets Manager by the one secret convention.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  RoutingKeyError,
  routingKeySource,
  TeamsWebhookUrlError,
  teamsWebhookSource,
  validateRoutingKey,
  validateTeamsWebhookUrl,
} from "../../src/shared/notify/channel-secrets.js";
import { SecretValueError } from "../../src/shared/secret-source.js";
import { recordingLogger } from "./delivery/recording-logger.js";

// Shaped like an Events API v2 integration key and a Workflows webhook; neither is real.
const ROUTING_KEY = "R0ut1ngK3yF0rT3st5AbCdEfGhIjKlMn";
const TEAMS_URL = "https://teams-workflows.example.test/workflows/abc123/triggers/manual/run?sig=S3cr3tSig";
const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
afterEach(() => {
  secrets.reset();
  ssm.reset();
});

function deps() {
  const logger = recordingLogger();
  return {
    logger,
    deps: {
      secretsManager: () => new SecretsManagerClient({}),
      ssm: () => new SSMClient({}),
      now: () => 0,
      logger,
    },
  };
}

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("did not throw");
}

describe("validateRoutingKey", () => {
  it.each([ROUTING_KEY, ` ${ROUTING_KEY}\n`])("accepts the 32-character integration key %j", (key) => {
    expect(validateRoutingKey(key)).toBe(ROUTING_KEY);
  });

  it.each([
    ["too short", ROUTING_KEY.slice(0, 31), "it has 31 characters"],
    ["too long", `${ROUTING_KEY}X`, "it has 33 characters"],
    ["quoted", `"${ROUTING_KEY.slice(0, 30)}"`, "with a space or a quote"],
    [
      "with a space inside",
      `${ROUTING_KEY.slice(0, 16)} ${ROUTING_KEY.slice(16, 31)}`,
      "with a space or a quote",
    ],
    ["with a dash", `${ROUTING_KEY.slice(0, 31)}-`, "32-character Events API v2 integration key"],
    ["empty", "", "it has 0 characters"],
  ])("refuses a key %s with a RoutingKeyError that never quotes it", (_what, key, says) => {
    const error = thrownBy(() => validateRoutingKey(key));

    expect(error).toBeInstanceOf(RoutingKeyError);
    expect(error).toBeInstanceOf(SecretValueError);
    expect(error.name).toBe("RoutingKeyError");
    expect(error.message).toContain(says);
    expect(error.message).not.toContain(ROUTING_KEY.slice(0, 12));
  });
});

describe("validateTeamsWebhookUrl", () => {
  it.each([
    TEAMS_URL,
    ` ${TEAMS_URL}\n`,
    "http://127.0.0.1:4567/teams",
    "http://localhost:1/teams",
    "http://[::1]:2/x",
  ])("accepts %s", (url) => {
    expect(validateTeamsWebhookUrl(url)).toBe(new URL(url.trim()).toString());
  });

  it.each([
    [
      "plain http off the loopback interface",
      TEAMS_URL.replace("https:", "http:"),
      "must use https (got http)",
    ],
    ["another scheme", "ftp://teams-workflows.example.test/run?sig=S3cr3tSig", "must use https (got ftp)"],
    ["no URL at all", "teams-workflows.example.test/run?sig=S3cr3tSig", "is not a valid URL"],
    ["credentials", "https://user:S3cr3tSig@teams-workflows.example.test/run", "must not carry credentials"],
  ])("refuses %s with a TeamsWebhookUrlError that never quotes the URL", (_what, url, says) => {
    const error = thrownBy(() => validateTeamsWebhookUrl(url));

    expect(error).toBeInstanceOf(TeamsWebhookUrlError);
    expect(error.name).toBe("TeamsWebhookUrlError");
    expect(error.message).toContain(says);
    expect(error.message).not.toContain("S3cr3tSig");
    expect(error.message).not.toContain("teams-workflows.example.test");
  });
});

describe("routingKeySource", () => {
  it("is undefined without PAGERDUTY_ROUTING_KEY or PAGERDUTY_ROUTING_KEY_FROM", () => {
    expect(routingKeySource({}, deps().deps)).toBeUndefined();
  });

  it("prefers the key given directly and reads no secret", async () => {
    const source = routingKeySource({ value: ROUTING_KEY, from: "pagerduty/key" }, deps().deps);

    expect(await source?.()).toBe(ROUTING_KEY);
    expect(secrets.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it("throws at once for a malformed key given directly", () => {
    expect(() => routingKeySource({ value: "not-a-key" }, deps().deps)).toThrow(RoutingKeyError);
  });

  it.each([
    ROUTING_KEY,
    JSON.stringify({ routingKey: ROUTING_KEY }),
    JSON.stringify({ routing_key: ROUTING_KEY, service: "ops" }),
    JSON.stringify({ integrationKey: ROUTING_KEY }),
  ])("reads the key from the Secrets Manager string %j", async (secretString) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString });

    const key = await routingKeySource({ from: "pagerduty/key" }, deps().deps)?.();

    expect(key).toBe(ROUTING_KEY);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: "pagerduty/key",
    });
  });

  it("reads the key from an SSM SecureString holding JSON, with decryption", async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: JSON.stringify({ routingKey: ROUTING_KEY }) } });

    const key = await routingKeySource({ from: "ssm:/ecs-sentinel/pagerduty" }, deps().deps)?.();

    expect(key).toBe(ROUTING_KEY);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: "/ecs-sentinel/pagerduty",
      WithDecryption: true,
    });
  });

  it("names the JSON keys it reads when the secret has none, and never logs the secret", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ key: ROUTING_KEY }) });
    const { deps: d, logger } = deps();

    const read = routingKeySource({ from: "pagerduty/key" }, d)?.();

    await expect(read).rejects.toThrow(RoutingKeyError);
    await expect(read).rejects.toThrow('"routingKey" or "routing_key" or "integrationKey"');
    expect(logger.text()).toContain("PAGERDUTY_ROUTING_KEY_FROM");
    expect(logger.text()).toContain("pagerduty/key");
    expect(logger.text()).not.toContain(ROUTING_KEY);
  });

  it("rejects a stored key of the wrong shape without quoting it", async () => {
    const stored = "u+AbCdEfGhIjKlMnOpQrStUvWxYz0123";
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ routingKey: stored }) } });
    const { deps: d, logger } = deps();

    const error = await routingKeySource({ from: "/ecs-sentinel/pagerduty" }, d)?.().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RoutingKeyError);
    expect((error as Error).message).not.toContain(stored);
    expect(logger.text()).not.toContain(stored);
  });
});

describe("teamsWebhookSource", () => {
  it("is undefined without TEAMS_WEBHOOK_URL or TEAMS_WEBHOOK_URL_FROM", () => {
    expect(teamsWebhookSource({ value: " ", from: "" }, deps().deps)).toBeUndefined();
  });

  it("prefers the URL given directly and reads no secret", async () => {
    const source = teamsWebhookSource({ value: TEAMS_URL, from: "ssm:/teams" }, deps().deps);

    expect(await source?.()).toBe(TEAMS_URL);
    expect(ssm.calls()).toHaveLength(0);
  });

  it("throws at once for a plain-http URL given directly, without quoting it", () => {
    const error = thrownBy(() =>
      teamsWebhookSource({ value: TEAMS_URL.replace("https:", "http:") }, deps().deps),
    );

    expect(error).toBeInstanceOf(TeamsWebhookUrlError);
    expect(error.message).not.toContain("S3cr3tSig");
  });

  it.each([TEAMS_URL, JSON.stringify({ url: TEAMS_URL }), JSON.stringify({ webhookUrl: TEAMS_URL })])(
    "reads the URL from the SSM SecureString %j",
    async (value) => {
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });

      expect(await teamsWebhookSource({ from: "/ecs-sentinel/teams" }, deps().deps)?.()).toBe(TEAMS_URL);
      expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
        Name: "/ecs-sentinel/teams",
        WithDecryption: true,
      });
    },
  );

  it("reads the URL from a Secrets Manager secret holding JSON", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: TEAMS_URL }) });

    expect(await teamsWebhookSource({ from: "ecs-sentinel/teams" }, deps().deps)?.()).toBe(TEAMS_URL);
  });

  it("rejects JSON without a documented key, logging names only", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook: TEAMS_URL }) });
    const { deps: d, logger } = deps();

    const read = teamsWebhookSource({ from: "ecs-sentinel/teams" }, d)?.();

    await expect(read).rejects.toThrow(TeamsWebhookUrlError);
    await expect(read).rejects.toThrow('"url" or "webhookUrl"');
    expect(logger.text()).toContain("TEAMS_WEBHOOK_URL_FROM");
    expect(logger.text()).not.toContain("S3cr3tSig");
  });

  it("rejects a stored plain-http URL without quoting it", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ url: TEAMS_URL.replace("https:", "http:") }) });
    const { deps: d, logger } = deps();

    const error = await teamsWebhookSource({ from: "ecs-sentinel/teams" }, d)?.().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TeamsWebhookUrlError);
    expect((error as Error).message).not.toContain("S3cr3tSig");
    expect(logger.text()).not.toContain("S3cr3tSig");
  });

  it("refuses a _FROM that names no secret, naming the variable", () => {
    const error = thrownBy(() => teamsWebhookSource({ from: "ssm:" }, deps().deps));

    expect(error.message).toContain("TEAMS_WEBHOOK_URL_FROM");
  });
});
