import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  BotTokenError,
  botTokenSource,
  parseSecretReference,
  type SecretSetting,
  SecretValueError,
  secretSource,
  validateBotToken,
  valueFromSecretString,
} from "../../src/shared/secret-source.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";

// Shaped like a bot token; not a real one.
const TOKEN = "xoxb-1234567890-9876543210-AbCdEfGhIjKlMnOpQrStUvWx";
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

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("did not throw");
}

/** A made-up setting: upper-case words only, JSON key "word". */
const WORD: SecretSetting = {
  variable: "WORD",
  label: "the word",
  validate: (value) => {
    if (!/^[A-Z]+$/.test(value)) throw new SecretValueError("WORD must be upper-case letters");
    return value;
  },
  jsonKeys: ["word", "w"],
};

describe("parseSecretReference", () => {
  it.each([
    ["ssm:/ecs-sentinel/token", { store: "ssm", name: "/ecs-sentinel/token" }],
    ["ssm:plain-name", { store: "ssm", name: "plain-name" }],
    ["/ecs-sentinel/token", { store: "ssm", name: "/ecs-sentinel/token" }],
    [
      "arn:aws:ssm:eu-west-1:123456789012:parameter/slack/token",
      { store: "ssm", name: "arn:aws:ssm:eu-west-1:123456789012:parameter/slack/token" },
    ],
    ["ecs-sentinel/token", { store: "secretsmanager", secretId: "ecs-sentinel/token" }],
    [
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf",
      {
        store: "secretsmanager",
        secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf",
      },
    ],
  ])("reads %s as %j", (reference, parsed) => {
    expect(parseSecretReference(reference)).toEqual(parsed);
  });
});

describe("valueFromSecretString", () => {
  it.each(["ABC", " ABC\n", '{"word":"ABC"}', '{"w":"ABC","other":1}'])(
    "reads the value from %j",
    (secret) => {
      expect(valueFromSecretString(secret, WORD)).toBe("ABC");
    },
  );

  it("prefers the first documented key", () => {
    expect(valueFromSecretString('{"w":"LAST","word":"FIRST"}', WORD)).toBe("FIRST");
  });

  it("names the documented keys when the JSON has none of them, without quoting the secret", () => {
    const error = thrownBy(() => valueFromSecretString('{"pass":"hunter2"}', WORD));

    expect(error).toBeInstanceOf(SecretValueError);
    expect(error.message).toContain('"word" or "w"');
    expect(error.message).not.toContain("hunter2");
  });

  it("rejects JSON that does not parse without quoting it", () => {
    const error = thrownBy(() => valueFromSecretString('{"word": "hunter2"', WORD));

    expect(error).toBeInstanceOf(SecretValueError);
    expect(error.message).not.toContain("hunter2");
  });
});

describe("secretSource", () => {
  it("is undefined when neither the value nor _FROM is set", () => {
    expect(secretSource(WORD, {}, deps().deps)).toBeUndefined();
    expect(secretSource(WORD, { value: " ", from: "" }, deps().deps)).toBeUndefined();
  });

  it("uses the value when set and reads no secret", async () => {
    const source = secretSource(WORD, { value: "ABC", from: "ssm:/x" }, deps().deps);

    expect(await source?.()).toBe("ABC");
    expect(ssm.calls()).toHaveLength(0);
  });

  it("validates the value at once", () => {
    expect(() => secretSource(WORD, { value: "abc" }, deps().deps)).toThrow(SecretValueError);
  });

  it("refuses a _FROM that names no secret", () => {
    const error = thrownBy(() => secretSource(WORD, { from: "ssm:" }, deps().deps));

    expect(error).toBeInstanceOf(SecretValueError);
    expect(error.message).toContain("WORD_FROM");
  });

  it("reads a Secrets Manager secret once for concurrent callers and caches it until the TTL", async () => {
    let now = 0;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"word":"ABC"}' });
    const source = secretSource(WORD, { from: "app/word" }, { ...deps(() => now).deps, ttlMs: 1000 });

    const values = await Promise.all([source?.(), source?.(), source?.()]);
    now = 999;
    await source?.();
    now = 1000;
    await source?.();

    expect(values).toEqual(["ABC", "ABC", "ABC"]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: "app/word" });
  });

  it("reads a Secrets Manager binary secret as UTF-8", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode("ABC") });

    expect(await secretSource(WORD, { from: "app/word" }, deps().deps)?.()).toBe("ABC");
  });

  it("reads an SSM parameter ARN with decryption", async () => {
    const arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/word";
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "ABC" } });

    expect(await secretSource(WORD, { from: arn }, deps().deps)?.()).toBe("ABC");
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: arn,
      WithDecryption: true,
    });
  });

  it("reads again after invalidate", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "ABC" } });
    const source = secretSource(WORD, { from: "/app/word" }, deps().deps);

    await source?.();
    source?.invalidate();
    await source?.();

    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("rejects an empty parameter, names it, and does not cache the failure", async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: "" } })
      .resolves({ Parameter: { Value: "ABC" } });
    const { deps: d, logger } = deps();
    const source = secretSource(WORD, { from: "/app/word" }, d);

    await expect(source?.()).rejects.toThrow("SSM parameter /app/word has no value");
    expect(await source?.()).toBe("ABC");
    expect(logger.lines[0]?.extra).toEqual([
      {
        variable: "WORD_FROM",
        secret: "/app/word",
        error: "SecretValueError: SSM parameter /app/word has no value",
      },
    ]);
  });

  it("does not cache a stored value that fails validation, and never logs it", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "lowercase-secret" })
      .resolves({ SecretString: "ABC" });
    const { deps: d, logger } = deps();
    const source = secretSource(WORD, { from: "app/word" }, d);

    await expect(source?.()).rejects.toThrow(SecretValueError);
    expect(await source?.()).toBe("ABC");
    expect(logger.text()).toContain("app/word");
    expect(logger.text()).not.toContain("lowercase-secret");
  });
});

describe("validateBotToken", () => {
  it.each([TOKEN, ` ${TOKEN}\n`, "xoxb-1-2-a"])("accepts the bot token %j", (token) => {
    expect(validateBotToken(token)).toBe(token.trim());
  });

  it.each([
    ["a user token", "xoxp-1234567890-1234567890-1234567890-abcdef", "user token (xoxp-)"],
    ["an app-level token", "xapp-1-A0123456789-1234567890-abcdef", "app-level token (xapp-)"],
    ["a rotating token", "xoxe.xoxb-1-abcdef", "rotating token"],
    ["a webhook URL", "https://hooks.slack.com/services/T1/B2/s3cr3t", "not a Slack bot token"],
    ["a quoted token", `"${TOKEN}"`, "not a Slack bot token"],
    ["a token with a space inside", "xoxb-1234567890 9876543210-AbCdEf", "not a well-formed bot token"],
    ["a bearer header", `Bearer ${TOKEN}`, "not a Slack bot token"],
    ["an empty value", "", "not a Slack bot token"],
  ])("refuses %s with a BotTokenError that does not quote it", (_what, token, says) => {
    const error = thrownBy(() => validateBotToken(token));

    expect(error).toBeInstanceOf(BotTokenError);
    expect(error.name).toBe("BotTokenError");
    expect(error.message).toContain(says);
    if (token !== "") expect(error.message).not.toContain(token.slice(5, 20));
  });
});

describe("botTokenSource", () => {
  it("is undefined without SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FROM", () => {
    expect(botTokenSource({}, deps().deps)).toBeUndefined();
  });

  it("prefers SLACK_BOT_TOKEN and reads no secret", async () => {
    const source = botTokenSource({ SLACK_BOT_TOKEN: TOKEN, SLACK_BOT_TOKEN_FROM: "slack/bot" }, deps().deps);

    expect(await source?.()).toBe(TOKEN);
    expect(secrets.calls()).toHaveLength(0);
  });

  it("throws at once for a user token in SLACK_BOT_TOKEN", () => {
    expect(() => botTokenSource({ SLACK_BOT_TOKEN: "xoxp-1-2-3-abc" }, deps().deps)).toThrow(BotTokenError);
  });

  it.each([TOKEN, JSON.stringify({ token: TOKEN }), JSON.stringify({ botToken: TOKEN, signingSecret: "x" })])(
    "reads the token from the Secrets Manager string %j",
    async (secretString) => {
      secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString });

      expect(await botTokenSource({ SLACK_BOT_TOKEN_FROM: "slack/bot" }, deps().deps)?.()).toBe(TOKEN);
    },
  );

  it("reads the token from an SSM SecureString with decryption", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: TOKEN } });

    expect(await botTokenSource({ SLACK_BOT_TOKEN_FROM: "ssm:/slack/bot" }, deps().deps)?.()).toBe(TOKEN);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: "/slack/bot",
      WithDecryption: true,
    });
  });

  it("rejects a stored user token with a BotTokenError, logs the secret's name and never the token", async () => {
    const userToken = "xoxp-1234567890-1234567890-1234567890-0123456789abcdef";
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: userToken }) });
    const { deps: d, logger } = deps();

    await expect(botTokenSource({ SLACK_BOT_TOKEN_FROM: "slack/bot" }, d)?.()).rejects.toThrow(BotTokenError);
    expect(logger.text()).toContain("slack/bot");
    expect(logger.text()).toContain("user token");
    expect(logger.text()).not.toContain("0123456789abcdef");
  });

  it("names the JSON keys it reads when the secret has neither", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ bot_token: TOKEN }) });

    await expect(botTokenSource({ SLACK_BOT_TOKEN_FROM: "slack/bot" }, deps().deps)?.()).rejects.toThrow(
      '"token" or "botToken"',
    );
  });
});
