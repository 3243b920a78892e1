/**
 * Where the Slack webhook URL comes from. SLACK_WEBHOOK_URL (local use, tests) wins; otherwise
 * SLACK_WEBHOOK_SECRET names an SSM SecureString (`ssm:NAME` or `/path`) or a Secrets Manager secret whose
 * string is the URL or JSON `{"url": ...}` / `{"webhookUrl": ...}`. Fetched once per container, cached with
 * a TTL, and forgotten when Slack answers 403/404 (see `invalidate`). The URL is the secret: never logged.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { WebhookUrlError } from "./transports/errors.js";
import { type LoggerPort, silentLogger } from "./transports/ports.js";

export type WebhookUrlSource = (() => Promise<string>) & { invalidate: () => void };

export interface WebhookSecretDeps {
  /** Clients may be created lazily: the SDK packages load only when a secret is actually read. */
  secretsManager: () => SecretsManagerClient | Promise<SecretsManagerClient>;
  ssm: () => SSMClient | Promise<SSMClient>;
  ttlMs?: number;
  now?: () => number;
  logger?: LoggerPort;
}

export const DEFAULT_SECRET_TTL_MS = 15 * 60_000;

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Accepts https URLs, and plain http only on the loopback interface (tests). Never echoes the URL. */
export function validateWebhookUrl(candidate: string): string {
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    throw new WebhookUrlError("the Slack webhook URL is not a valid URL");
  }
  const secure = url.protocol === "https:";
  const loopback = url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
  if (!secure && !loopback) {
    throw new WebhookUrlError(`the Slack webhook URL must use https (got ${url.protocol.replace(":", "")})`);
  }
  if (url.username || url.password)
    throw new WebhookUrlError("the Slack webhook URL must not carry credentials");
  return url.toString();
}

/** A secret string is the URL itself or JSON with `url` or `webhookUrl`. */
export function webhookUrlFromSecretString(secret: string): string {
  const trimmed = secret.trim();
  if (!trimmed.startsWith("{")) return validateWebhookUrl(trimmed);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new WebhookUrlError("the webhook secret looks like JSON but does not parse");
  }
  const record = parsed as Record<string, unknown>;
  const url = record.url ?? record.webhookUrl;
  if (typeof url !== "string")
    throw new WebhookUrlError('the webhook secret JSON has no "url" or "webhookUrl"');
  return validateWebhookUrl(url);
}

export type SecretReference = { store: "ssm"; name: string } | { store: "secretsmanager"; secretId: string };

export function parseSecretReference(name: string): SecretReference {
  if (name.startsWith("ssm:")) return { store: "ssm", name: name.slice("ssm:".length) };
  if (name.startsWith("/")) return { store: "ssm", name };
  return { store: "secretsmanager", secretId: name };
}

async function fetchSecretString(reference: SecretReference, deps: WebhookSecretDeps): Promise<string> {
  if (reference.store === "ssm") {
    const [{ GetParameterCommand }, client] = await Promise.all([import("@aws-sdk/client-ssm"), deps.ssm()]);
    const result = await client.send(new GetParameterCommand({ Name: reference.name, WithDecryption: true }));
    const value = result.Parameter?.Value;
    if (!value) throw new WebhookUrlError(`SSM parameter ${reference.name} has no value`);
    return value;
  }
  const [{ GetSecretValueCommand }, client] = await Promise.all([
    import("@aws-sdk/client-secrets-manager"),
    deps.secretsManager(),
  ]);
  const result = await client.send(new GetSecretValueCommand({ SecretId: reference.secretId }));
  if (result.SecretString) return result.SecretString;
  if (result.SecretBinary) return new TextDecoder().decode(result.SecretBinary);
  throw new WebhookUrlError(`secret ${reference.secretId} has no value`);
}

/**
 * The webhook URL source for the environment, or undefined when Slack is not configured.
 * Throws WebhookUrlError at once for a bad SLACK_WEBHOOK_URL (fail loudly at cold start).
 */
export function webhookUrlSource(
  env: { SLACK_WEBHOOK_URL?: string; SLACK_WEBHOOK_SECRET?: string },
  deps: WebhookSecretDeps,
): WebhookUrlSource | undefined {
  const direct = env.SLACK_WEBHOOK_URL?.trim();
  if (direct) {
    const url = validateWebhookUrl(direct);
    return Object.assign(async () => url, { invalidate: () => {} });
  }
  const secretName = env.SLACK_WEBHOOK_SECRET?.trim();
  if (!secretName) return undefined;

  const reference = parseSecretReference(secretName);
  const ttlMs = deps.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  let cached: { url: Promise<string>; expires: number } | undefined;

  const source = async () => {
    if (cached && cached.expires > now()) return cached.url;
    const entry = {
      expires: now() + ttlMs,
      url: fetchSecretString(reference, deps).then(webhookUrlFromSecretString),
    };
    cached = entry;
    // A failed fetch is not cached: the next message tries again.
    entry.url.catch((error: unknown) => {
      if (cached === entry) cached = undefined;
      logger.error("Could not read the Slack webhook secret", {
        secret: secretName,
        error: error instanceof Error ? `${error.name}: ${error.message}` : "unknown error",
      });
    });
    return entry.url;
  };
  return Object.assign(source, {
    invalidate: () => {
      cached = undefined;
    },
  });
}
