/**
 * The one secret convention of ecs-sentinel: a setting `X` holds the value (local use, tests) and wins;
 * `X_FROM` names where a deployment reads it from: an SSM SecureString (`ssm:NAME` or `/path`) or a Secrets
 * Manager secret (name or ARN). A read value is cached for a TTL, a failed read is not cached, and the value
 * is never logged nor put in an error message: only the variable's name and the secret's name are.
 *
 * A secret string is the value itself, or JSON holding it under one of the setting's documented keys
 * (the webhook: `url` / `webhookUrl`; the bot token: `token` / `botToken`).
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { type Log, silentLog } from "./log.js";

/** A secret value, read on demand; `invalidate` forgets the cached value (e.g. after Slack said 403). */
export type SecretSource = (() => Promise<string>) & { invalidate: () => void };

export interface SecretSourceDeps {
  /** Clients may be created lazily: the SDK packages load only when a secret is actually read. */
  secretsManager: () => SecretsManagerClient | Promise<SecretsManagerClient>;
  ssm: () => SSMClient | Promise<SSMClient>;
  ttlMs?: number;
  now?: () => number;
  logger?: Log;
}

export const DEFAULT_SECRET_TTL_MS = 15 * 60_000;

/** The value of a secret setting is missing or not acceptable. The message never quotes the value. */
export class SecretValueError extends Error {
  override readonly name: string = "SecretValueError";
}

/** A Slack token that is not a bot token (`xoxb-`). The message never quotes the token. */
export class BotTokenError extends SecretValueError {
  override readonly name = "BotTokenError";
}

export interface SecretSetting {
  /** The variable's name, e.g. `SLACK_BOT_TOKEN`; its `_FROM` is `${variable}_FROM`. */
  variable: string;
  /** What the value is, for messages: "the Slack bot token". */
  label: string;
  /** Returns the normalised value or throws (an error that does not quote the value). */
  validate: (value: string) => string;
  /** Keys a JSON secret string may hold the value under, in order of preference. */
  jsonKeys: readonly string[];
  /** Error class for problems of the secret string itself (bad JSON, no key); default SecretValueError. */
  errorClass?: new (
    message: string,
  ) => Error;
}

export type SecretReference = { store: "ssm"; name: string } | { store: "secretsmanager"; secretId: string };

/**
 * `ssm:NAME`, `/NAME` and an SSM parameter ARN are SSM parameters; anything else (a name or an ARN) is a
 * Secrets Manager secret id.
 */
export function parseSecretReference(reference: string): SecretReference {
  const name = reference.trim();
  if (name.startsWith("ssm:")) return { store: "ssm", name: name.slice("ssm:".length) };
  if (name.startsWith("/") || /^arn:[^:]+:ssm:/.test(name)) return { store: "ssm", name };
  return { store: "secretsmanager", secretId: name };
}

const describeReference = (reference: SecretReference) =>
  reference.store === "ssm" ? `SSM parameter ${reference.name}` : `secret ${reference.secretId}`;

/** The value in a secret string: the string itself, or JSON with one of the setting's keys. */
export function valueFromSecretString(secret: string, setting: SecretSetting): string {
  const Failure = setting.errorClass ?? SecretValueError;
  const trimmed = secret.trim();
  if (!trimmed.startsWith("{")) return setting.validate(trimmed);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    // JSON.parse's message quotes the text: it is not passed on.
    throw new Failure(`the secret holding ${setting.label} looks like JSON but does not parse`);
  }
  const record = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const key = setting.jsonKeys.find((name) => typeof record[name] === "string");
  if (key === undefined) {
    const keys = setting.jsonKeys.map((name) => `"${name}"`).join(" or ");
    throw new Failure(`the secret holding ${setting.label} is JSON without ${keys}`);
  }
  return setting.validate(record[key] as string);
}

async function fetchSecretString(reference: SecretReference, deps: SecretSourceDeps): Promise<string> {
  if (reference.store === "ssm") {
    const [{ GetParameterCommand }, client] = await Promise.all([
      import("./sdk-commands/ssm.js"),
      deps.ssm(),
    ]);
    const result = await client.send(new GetParameterCommand({ Name: reference.name, WithDecryption: true }));
    const value = result.Parameter?.Value;
    if (value) return value;
  } else {
    const [{ GetSecretValueCommand }, client] = await Promise.all([
      import("./sdk-commands/secrets-manager.js"),
      deps.secretsManager(),
    ]);
    const result = await client.send(new GetSecretValueCommand({ SecretId: reference.secretId }));
    if (result.SecretString) return result.SecretString;
    if (result.SecretBinary) return new TextDecoder().decode(result.SecretBinary);
  }
  throw new SecretValueError(`${describeReference(reference)} has no value`);
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";

/**
 * The source of one secret setting, or undefined when neither `value` nor `from` is set. A bad `value`
 * throws at once (fail loudly at cold start); a bad stored value rejects the read, which is logged (names
 * only) and not cached, so the next read tries again.
 */
export function secretSource(
  setting: SecretSetting,
  given: { value?: string; from?: string },
  deps: SecretSourceDeps,
): SecretSource | undefined {
  const direct = given.value?.trim();
  if (direct) {
    const value = setting.validate(direct);
    return Object.assign(async () => value, { invalidate: () => {} });
  }
  const from = given.from?.trim();
  if (!from) return undefined;

  const reference = parseSecretReference(from);
  const referenced = reference.store === "ssm" ? reference.name : reference.secretId;
  if (referenced === "") {
    throw new SecretValueError(
      `${setting.variable}_FROM names no secret: write ssm:/NAME, /NAME or a secret id`,
    );
  }
  const ttlMs = deps.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLog;
  let cached: { value: Promise<string>; expires: number } | undefined;

  const source = async () => {
    if (cached && cached.expires > now()) return cached.value;
    const entry = {
      expires: now() + ttlMs,
      value: fetchSecretString(reference, deps).then((secret) => valueFromSecretString(secret, setting)),
    };
    cached = entry;
    // A failed fetch is not cached: the next read tries again.
    entry.value.catch((error: unknown) => {
      if (cached === entry) cached = undefined;
      logger.error(`Could not read ${setting.label} from its secret`, {
        variable: `${setting.variable}_FROM`,
        secret: from,
        error: errorText(error),
      });
    });
    return entry.value;
  };
  return Object.assign(source, {
    invalidate: () => {
      cached = undefined;
    },
  });
}

/** A bot token as Slack issues it: `xoxb-` and then digits, letters and dashes (no spaces, no quotes). */
const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;

/** What a Slack token that is not a bot token is, by its prefix (the prefix is not the secret). */
const OTHER_TOKENS: Record<string, string> = {
  "xoxp-": "a user token (xoxp-)",
  "xoxa-": "a workspace app token (xoxa-)",
  "xoxe-": "a refresh token (xoxe-)",
  "xoxe.": "a rotating token (xoxe.)",
  "xapp-": "an app-level token (xapp-)",
  "xoxs-": "a session token (xoxs-)",
};

/**
 * Accepts a Slack bot token (`xoxb-…`) only. Any other token, a quoted value or one with spaces is a
 * BotTokenError that says what it looks like, never what it is.
 */
export function validateBotToken(candidate: string, variable = "SLACK_BOT_TOKEN"): string {
  const token = candidate.trim();
  if (BOT_TOKEN.test(token)) return token;
  const where = "Slack app → OAuth & Permissions → Bot User OAuth Token";
  const kind = Object.entries(OTHER_TOKENS).find(([prefix]) => token.startsWith(prefix))?.[1];
  if (kind)
    throw new BotTokenError(`${variable} is ${kind}; ecs-sentinel needs the bot token (xoxb-…): ${where}`);
  if (token.startsWith("xoxb-")) {
    throw new BotTokenError(
      `${variable} is not a well-formed bot token: it has characters other than letters, digits and dashes (a space, a quote or a line break?)`,
    );
  }
  throw new BotTokenError(`${variable} is not a Slack bot token (xoxb-…): ${where}`);
}

export const BOT_TOKEN_SETTING: SecretSetting = {
  variable: "SLACK_BOT_TOKEN",
  label: "the Slack bot token",
  validate: (value) => validateBotToken(value),
  jsonKeys: ["token", "botToken"],
  errorClass: BotTokenError,
};

/**
 * The bot token source: SLACK_BOT_TOKEN (local use, tests) or SLACK_BOT_TOKEN_FROM (an SSM SecureString or a
 * Secrets Manager secret whose string is the token or JSON `{"token": ...}` / `{"botToken": ...}`).
 * Undefined when app mode is not configured; a malformed SLACK_BOT_TOKEN throws BotTokenError at once.
 */
export function botTokenSource(
  env: { SLACK_BOT_TOKEN?: string; SLACK_BOT_TOKEN_FROM?: string },
  deps: SecretSourceDeps,
): SecretSource | undefined {
  return secretSource(
    BOT_TOKEN_SETTING,
    { value: env.SLACK_BOT_TOKEN, from: env.SLACK_BOT_TOKEN_FROM },
    deps,
  );
}
