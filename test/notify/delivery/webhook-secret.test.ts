import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookUrlError } from "../../../src/shared/notify/transports/errors.js";
import {
  parseSecretReference,
  validateWebhookUrl,
  webhookUrlFromSecretString,
  webhookUrlSource,
} from "../../../src/shared/notify/webhook-secret.js";
import { recordingLogger } from "./recording-logger.js";

const HOOK = "https://hooks.slack.com/services/T1/B2/s3cr3t";
const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
afterEach(() => {
  secrets.reset();
  ssm.reset();
});

function deps(now = () => 0) {
  const logger = recordingLogger();
  return {
    logger,
    deps: {
      secretsManager: () => new SecretsManagerClient({}),
      ssm: () => new SSMClient({}),
      now,
      logger,
    },
  };
}

describe("validateWebhookUrl", () => {
  it.each([HOOK, "http://127.0.0.1:4567/services/x", "http://localhost:1/x"])("accepts %s", (url) => {
    expect(validateWebhookUrl(url)).toBe(new URL(url).toString());
  });

  it.each([
    "http://hooks.slack.com/services/x",
    "ftp://x/y",
    "not a url",
    "https://user:pw@hooks.slack.com/x",
  ])("rejects %s without quoting it", (url) => {
    let thrown: unknown;
    try {
      validateWebhookUrl(url);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebhookUrlError);
    expect((thrown as Error).message).not.toContain(url);
  });
});

describe("webhookUrlFromSecretString", () => {
  it.each([HOOK, ` ${HOOK}\n`, JSON.stringify({ url: HOOK }), JSON.stringify({ webhookUrl: HOOK })])(
    "reads the URL from %j",
    (secret) => {
      expect(webhookUrlFromSecretString(secret)).toBe(HOOK);
    },
  );

  it("rejects JSON without a url field", () => {
    expect(() => webhookUrlFromSecretString('{"token":"x"}')).toThrow(WebhookUrlError);
  });
});

describe("parseSecretReference", () => {
  it.each([
    ["ssm:/ecs-sentinel/slack", { store: "ssm", name: "/ecs-sentinel/slack" }],
    ["/ecs-sentinel/slack", { store: "ssm", name: "/ecs-sentinel/slack" }],
    ["ecs-sentinel/slack", { store: "secretsmanager", secretId: "ecs-sentinel/slack" }],
  ])("reads %s as %j", (name, reference) => {
    expect(parseSecretReference(name)).toEqual(reference);
  });
});

describe("webhookUrlSource", () => {
  it("prefers SLACK_WEBHOOK_URL and reads no secret", async () => {
    const source = webhookUrlSource({ SLACK_WEBHOOK_URL: HOOK, SLACK_WEBHOOK_SECRET: "x" }, deps().deps);

    expect(await source?.()).toBe(HOOK);
    expect(secrets.calls()).toHaveLength(0);
  });

  it("is undefined when Slack is not configured", () => {
    expect(webhookUrlSource({}, deps().deps)).toBeUndefined();
  });

  it("reads a Secrets Manager secret once and caches it", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: HOOK }) });
    const source = webhookUrlSource({ SLACK_WEBHOOK_SECRET: "ecs-sentinel/slack" }, deps().deps);

    const urls = await Promise.all([source?.(), source?.(), source?.()]);

    expect(urls).toEqual([HOOK, HOOK, HOOK]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: "ecs-sentinel/slack",
    });
  });

  it("reads the secret named by SLACK_WEBHOOK_URL_FROM, which wins over its old name SLACK_WEBHOOK_SECRET", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: HOOK });
    const source = webhookUrlSource(
      { SLACK_WEBHOOK_URL_FROM: "ecs-sentinel/slack-new", SLACK_WEBHOOK_SECRET: "ecs-sentinel/slack-old" },
      deps().deps,
    );

    expect(await source?.()).toBe(HOOK);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: "ecs-sentinel/slack-new",
    });
  });

  it("reads an SSM SecureString with decryption", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: HOOK } });
    const source = webhookUrlSource({ SLACK_WEBHOOK_SECRET: "ssm:/ecs-sentinel/slack" }, deps().deps);

    expect(await source?.()).toBe(HOOK);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: "/ecs-sentinel/slack",
      WithDecryption: true,
    });
  });

  it("reads the secret again after the TTL and after invalidate", async () => {
    let now = 0;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: HOOK });
    const source = webhookUrlSource({ SLACK_WEBHOOK_SECRET: "s" }, { ...deps(() => now).deps, ttlMs: 1000 });

    await source?.();
    now = 999;
    await source?.();
    now = 1000;
    await source?.();
    source?.invalidate();
    await source?.();

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it("does not cache a failed read and never logs the URL", async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error("denied"), { name: "AccessDeniedException" }))
      .resolves({ SecretString: HOOK });
    const { deps: d, logger } = deps();
    const source = webhookUrlSource({ SLACK_WEBHOOK_SECRET: "s" }, d);

    await expect(source?.()).rejects.toThrow("denied");
    expect(await source?.()).toBe(HOOK);
    expect(logger.text()).toContain("AccessDeniedException");
    expect(logger.text()).not.toContain("s3cr3t");
  });
});
