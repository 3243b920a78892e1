/**
 * The secrets of PagerDuty and Microsoft Teams, by the one secret convention (src/shared/secret-source.ts):
 * `PAGERDUTY_ROUTING_KEY` / `TEAMS_WEBHOOK_URL` (local use, tests) win; otherwise `..._FROM` names an SSM
 * SecureString or a Secrets Manager secret whose string is the value or JSON (`{"routingKey": ...}`,
 * `{"url": ...}`). Never logged, never quoted in an error.
 */
import {
  type SecretSetting,
  type SecretSource,
  type SecretSourceDeps,
  SecretValueError,
  secretSource,
} from "../secret-source.js";
import { validateSecretUrl } from "./webhook-secret.js";

/** A PagerDuty routing key is not what its setting holds. The message never quotes the value. */
export class RoutingKeyError extends SecretValueError {
  override readonly name = "RoutingKeyError";
}

/** A Teams Workflows webhook URL is not acceptable. The message never quotes the URL. */
export class TeamsWebhookUrlError extends SecretValueError {
  override readonly name = "TeamsWebhookUrlError";
}

/** An Events API v2 integration key: 32 letters and digits (PagerDuty → service → Integrations). */
export function validateRoutingKey(candidate: string): string {
  const key = candidate.trim();
  if (/^[A-Za-z0-9]{32}$/.test(key)) return key;
  throw new RoutingKeyError(
    `the PagerDuty routing key must be the 32-character Events API v2 integration key (it has ${key.length} characters${/\s|["']/.test(key) ? ", with a space or a quote" : ""})`,
  );
}

/** https (http only on the loopback interface, for tests), no credentials. Never echoes the URL. */
export function validateTeamsWebhookUrl(candidate: string): string {
  return validateSecretUrl(candidate, "the Teams webhook URL", TeamsWebhookUrlError);
}

export const ROUTING_KEY_SETTING: SecretSetting = {
  variable: "PAGERDUTY_ROUTING_KEY",
  label: "the PagerDuty routing key",
  validate: validateRoutingKey,
  jsonKeys: ["routingKey", "routing_key", "integrationKey"],
  errorClass: RoutingKeyError,
};

export const TEAMS_WEBHOOK_SETTING: SecretSetting = {
  variable: "TEAMS_WEBHOOK_URL",
  label: "the Microsoft Teams webhook URL",
  validate: validateTeamsWebhookUrl,
  jsonKeys: ["url", "webhookUrl"],
  errorClass: TeamsWebhookUrlError,
};

export function routingKeySource(
  given: { value?: string; from?: string },
  deps: SecretSourceDeps,
): SecretSource | undefined {
  return secretSource(ROUTING_KEY_SETTING, given, deps);
}

export function teamsWebhookSource(
  given: { value?: string; from?: string },
  deps: SecretSourceDeps,
): SecretSource | undefined {
  return secretSource(TEAMS_WEBHOOK_SETTING, given, deps);
}
