/**
 * Where the Slack webhook URL comes from, by the one secret convention (src/shared/secret-source.ts):
 * SLACK_WEBHOOK_URL (local use, tests) wins; otherwise SLACK_WEBHOOK_URL_FROM (old name: SLACK_WEBHOOK_SECRET)
 * names an SSM SecureString (`ssm:NAME` or `/path`) or a Secrets Manager secret whose string is the URL or
 * JSON `{"url": ...}` / `{"webhookUrl": ...}`. Fetched once per container, cached with a TTL, and forgotten
 * when Slack answers 403/404 (see `invalidate`). The URL is the secret: never logged.
 */
import {
  DEFAULT_SECRET_TTL_MS,
  type SecretSetting,
  type SecretSource,
  type SecretSourceDeps,
  secretSource,
  valueFromSecretString,
} from "../secret-source.js";
import { WebhookUrlError } from "./transports/errors.js";

export { parseSecretReference, type SecretReference } from "../secret-source.js";
export { DEFAULT_SECRET_TTL_MS };

export type WebhookUrlSource = SecretSource;
export type WebhookSecretDeps = SecretSourceDeps;

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * A webhook URL (a secret): https, or plain http only on the loopback interface (tests), no credentials. Every
 * problem is thrown as `Failure` naming `label`, never echoing the URL. Slack's and Teams' webhooks share it.
 */
export function validateSecretUrl(
  candidate: string,
  label: string,
  Failure: new (message: string) => Error,
): string {
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    throw new Failure(`${label} is not a valid URL`);
  }
  const secure = url.protocol === "https:";
  const loopback = url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
  if (!secure && !loopback)
    throw new Failure(`${label} must use https (got ${url.protocol.replace(":", "")})`);
  if (url.username || url.password) throw new Failure(`${label} must not carry credentials`);
  return url.toString();
}

/** Accepts https URLs, and plain http only on the loopback interface (tests). Never echoes the URL. */
export function validateWebhookUrl(candidate: string): string {
  return validateSecretUrl(candidate, "the Slack webhook URL", WebhookUrlError);
}

export const WEBHOOK_URL_SETTING: SecretSetting = {
  variable: "SLACK_WEBHOOK_URL",
  label: "the Slack webhook URL",
  validate: validateWebhookUrl,
  jsonKeys: ["url", "webhookUrl"],
  errorClass: WebhookUrlError,
};

/** A secret string is the URL itself or JSON with `url` or `webhookUrl`. */
export function webhookUrlFromSecretString(secret: string): string {
  return valueFromSecretString(secret, WEBHOOK_URL_SETTING);
}

/**
 * The webhook URL source for the environment, or undefined when Slack is not configured.
 * Throws WebhookUrlError at once for a bad SLACK_WEBHOOK_URL (fail loudly at cold start).
 */
export function webhookUrlSource(
  env: { SLACK_WEBHOOK_URL?: string; SLACK_WEBHOOK_URL_FROM?: string; SLACK_WEBHOOK_SECRET?: string },
  deps: WebhookSecretDeps,
): WebhookUrlSource | undefined {
  const from = env.SLACK_WEBHOOK_URL_FROM?.trim() || env.SLACK_WEBHOOK_SECRET;
  return secretSource(WEBHOOK_URL_SETTING, { value: env.SLACK_WEBHOOK_URL, from }, deps);
}
