/**
 * Environment parsed once at cold start. A missing or bad variable fails loudly here, with its name,
 * instead of half-way through an event.
 */

import type { AllowedAccounts } from "../shared/accounts/policy.js";
import { SEVERITIES, type Severity } from "../shared/diagnosis/types.js";
import { validateRoutingKey, validateTeamsWebhookUrl } from "../shared/notify/channel-secrets.js";
import type { ServiceOverrides } from "../shared/notify/routing.js";
import { DEFAULT_PAGERDUTY_EVENTS_URL } from "../shared/notify/transports/pagerduty-endpoint.js";
import { BotTokenError, parseSecretReference, validateBotToken } from "../shared/secret-source.js";
import { APPROVER_ID } from "../shared/slack-actions/approvers.js";
import { channelIdProblem } from "../shared/slack-channel-id.js";
import { accountSettings } from "./config-accounts.js";
import { ConfigError, type Env, list, optional } from "./config-parse.js";

export { ConfigError } from "./config-parse.js";

export interface Config {
  /** DynamoDB state table; without it nothing is de-duplicated or throttled (local dry runs). */
  stateTable?: string;
  /** SNS topic for email; without it email is off. */
  notifyTopicArn?: string;
  /** Webhook URL for local use and tests; wins over the secret. Never logged. */
  slackWebhookUrl?: string;
  /**
   * Secrets Manager secret id or SSM SecureString name (`ssm:/name` or `/name`) holding the webhook URL:
   * SLACK_WEBHOOK_URL_FROM, or its old name SLACK_WEBHOOK_SECRET.
   */
  slackWebhookUrlFrom?: string;
  /** @deprecated The old name of `slackWebhookUrlFrom` (always the same value), for existing callers. */
  slackWebhookSecret?: string;
  /** App mode (Slack Web API, threads): the bot token (`xoxb-`) for local use and tests; wins. Never logged. */
  slackBotToken?: string;
  /** Where a deployment reads the bot token: Secrets Manager secret id, `ssm:/name` or `/name`. */
  slackBotTokenFrom?: string;
  /** The channel ID app mode posts to (C…/G…); set whenever a bot token is. */
  slackChannel?: string;
  /**
   * Slack buttons: the app's signing secret (32 hex) for local use and tests; wins. Never logged. Checked when
   * the interactivity endpoint is built (src/app/slack-actions.ts), not by the functions that do not serve it.
   */
  slackSigningSecret?: string;
  /** Where a deployment reads the signing secret: Secrets Manager secret id, `ssm:/name` or `/name`. */
  slackSigningSecretFrom?: string;
  /** Slack Web API base URL, ending with "/" (default https://slack.com/api/; tests: a local stand-in). */
  slackApiUrl: string;
  /** Slack buttons: user (U…/W…) and user-group (S…) IDs allowed to act; empty = no buttons. */
  slackApprovers: string[];
  /** App mode: least gap between two posts to one channel (Slack: about one message per second). */
  slackPostIntervalMs: number;
  /** App mode: a card for every deployment (`all`), or only for those Slack's minimum severity lets through. */
  slackDeploymentCards: "all" | "failures";
  dryRun: boolean;
  slackMinSeverity: Severity;
  emailMinSeverity: Severity;
  /** PagerDuty Events API v2: the routing (integration) key for local use and tests; wins. Never logged. */
  pagerDutyRoutingKey?: string;
  /** Where a deployment reads the routing key: Secrets Manager secret id, `ssm:/name` or `/name`. */
  pagerDutyRoutingKeyFrom?: string;
  /** PagerDuty's enqueue endpoint (tests: a local stand-in). */
  pagerDutyEventsUrl: string;
  pagerdutyMinSeverity: Severity;
  /** Microsoft Teams Workflows webhook URL for local use and tests; wins. Never logged. */
  teamsWebhookUrl?: string;
  /** Where a deployment reads the Teams webhook URL. */
  teamsWebhookUrlFrom?: string;
  teamsMinSeverity: Severity;
  /** SNS topic that Amazon Q Developer in chat applications subscribes to (custom notifications). */
  chatbotTopicArn?: string;
  chatbotMinSeverity: Severity;
  throttleWindowMinutes: number;
  /** Services (names or ARNs) allowed to roll back automatically, besides the tag opt-in. */
  autoRollbackServices: string[];
  /** Failed tasks of one deployment within the window that make a crash loop. */
  crashLoopThreshold: number;
  crashLoopWindowMinutes: number;
  /** How long after a deployment completed a crash loop is still blamed on it. */
  postCompletionMinutes: number;
  /** After an automatic rollback, the service is not rolled back again for this long. */
  rollbackCooldownMinutes: number;
  /** Alert context: log lines per tail, history retention, and the time all context of one alert may take. */
  logTailLines: number;
  historyRetentionDays: number;
  enrichBudgetMs: number;
  region?: string;
  /** jobs.yml for code that is not bundled with it (the Lambdas embed theirs; the CLI has --file). */
  jobsFile?: string;
  /** The hub's own account (HUB_ACCOUNT_ID; the stack sets it): other accounts' events go through member roles. */
  hubAccountId?: string;
  /** Which accounts the deployment acts for (ALLOWED_ACCOUNTS). */
  allowedAccounts: AllowedAccounts;
  /** The role the hub assumes in a member account (MEMBER_ROLE_NAME, default ecs-sentinel-member). */
  memberRoleName: string;
  /** The external id the member roles require (MEMBER_EXTERNAL_ID). */
  memberExternalId?: string;
  /** Readable account names (ACCOUNT_NAMES: `111111111111=prod,222222222222=staging`). */
  accountNames: Record<string, string>;
  /**
   * Routing of whole accounts (ACCOUNT_ROUTING, JSON): per account the service tags' keys without their prefix —
   * `{"222222222222": {"channels": "slack", "min-severity": "warning", "slack-channel": "C0STAGING1", "mute": "false"}}`;
   * a service's own tags win.
   */
  accountRouting: Record<string, ServiceOverrides>;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = optional(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function severity(env: Env, name: string, fallback: Severity): Severity {
  const value = optional(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new ConfigError(`${name} must be one of ${SEVERITIES.join(", ")}, got "${value}"`);
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive number, got "${value}"`);
  return n;
}

/** Milliseconds from 0 up to `max`; a typo fails loudly. */
function millis(env: Env, name: string, fallback: number, max: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new ConfigError(`${name} must be a whole number of milliseconds from 0 to ${max}, got "${value}"`);
  return n;
}

/** SLACK_APPROVERS: Slack user (U…, W…) and user-group (S…) IDs; a name or anything else fails loudly. */
function approvers(env: Env): string[] {
  const ids = list(env, "SLACK_APPROVERS");
  const bad = ids.filter((id) => !APPROVER_ID.test(id));
  if (bad.length > 0)
    throw new ConfigError(
      `SLACK_APPROVERS must list Slack user IDs (U…/W…) or user-group IDs (S…), not names: ${bad.map((b) => `"${b.slice(0, 40)}"`).join(", ")}`,
    );
  return ids;
}

/**
 * SERVICE, CLUSTER/SERVICE or a service ARN: what the stack's autoRollbackServices accepts (infra/stack-params.cjs)
 * and the rollback policy matches.
 */
const ROLLBACK_SERVICE =
  /^(?:[A-Za-z0-9_-]{1,255}(?:\/[A-Za-z0-9_-]{1,255})?|arn:[^:\s]+:ecs:[^:\s]*:[^:\s]*:service\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255})$/;

/**
 * AUTO_ROLLBACK_SERVICES, separated by commas or whitespace like the stack parameter the stack passes through
 * unchanged: "api web" must opt in both services, never match none. Anything else fails loudly.
 */
function rollbackServices(env: Env): string[] {
  const entries = (optional(env, "AUTO_ROLLBACK_SERVICES") ?? "").split(/[\s,]+/).filter(Boolean);
  const bad = entries.filter((entry) => !ROLLBACK_SERVICE.test(entry));
  if (bad.length > 0)
    throw new ConfigError(
      `AUTO_ROLLBACK_SERVICES must list SERVICE, CLUSTER/SERVICE or service ARNs, got ${bad.map((b) => `"${b.slice(0, 80)}"`).join(", ")}`,
    );
  return [...new Set(entries)];
}

function choice<T extends string>(env: Env, name: string, options: readonly T[], fallback: T): T {
  const value = optional(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if ((options as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${name} must be one of ${options.join(", ")}, got "${value}"`);
}

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** An endpoint URL setting: https (or http on the loopback interface, for tests), no credentials. */
function endpointUrl(env: Env, name: string, fallback: string): string {
  const given = optional(env, name);
  if (given === undefined) return fallback;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${fallback}, got "${given}"`);
  }
  if (url.username || url.password) throw new ConfigError(`${name} must not carry credentials`);
  const loopback = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !loopback)
    throw new ConfigError(`${name} must use https (http only on 127.0.0.1/localhost), got "${given}"`);
  return url.toString();
}

/** A secret value given directly (local use, tests): checked at once, never echoed. */
function secretValue(env: Env, name: string, validate: (value: string) => string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  try {
    return validate(value);
  } catch (error) {
    throw new ConfigError(`${name}: ${error instanceof Error ? error.message : "not acceptable"}`);
  }
}

/** An SNS topic ARN setting. */
function topicArn(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !/^arn:[^:]+:sns:[^:]+:\d{12}:[A-Za-z0-9_.-]+$/.test(value))
    throw new ConfigError(
      `${name} must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got "${value}"`,
    );
  return value;
}

/** https (or http on the loopback interface, for tests), no credentials, and ending with "/". */
function slackApiUrl(env: Env): string {
  const given = optional(env, "SLACK_API_URL");
  if (given === undefined) return DEFAULT_SLACK_API_URL;
  const url = new URL(endpointUrl(env, "SLACK_API_URL", DEFAULT_SLACK_API_URL));
  if (url.search || url.hash)
    throw new ConfigError(`SLACK_API_URL must have no query or fragment, got "${given}"`);
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  return url.toString();
}

/** A secret reference (X_FROM): a Secrets Manager secret id, `ssm:NAME` or `/NAME`. */
function secretReference(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  const reference = parseSecretReference(value);
  const target = reference.store === "ssm" ? reference.name : reference.secretId;
  if (target === "" || /\s/.test(target)) {
    throw new ConfigError(`${name} must name a Secrets Manager secret, ssm:NAME or /NAME, got "${value}"`);
  }
  return value;
}

/** SLACK_WEBHOOK_URL_FROM, or its old name SLACK_WEBHOOK_SECRET; both, naming different secrets, is an error. */
function webhookUrlFrom(env: Env): string | undefined {
  const current = secretReference(env, "SLACK_WEBHOOK_URL_FROM");
  const old = secretReference(env, "SLACK_WEBHOOK_SECRET");
  if (current !== undefined && old !== undefined && current !== old) {
    throw new ConfigError(
      "SLACK_WEBHOOK_URL_FROM and SLACK_WEBHOOK_SECRET (its old name) name different secrets: set only SLACK_WEBHOOK_URL_FROM",
    );
  }
  return current ?? old;
}

/** The bot token's shape (xoxb-), never echoed. */
function botToken(env: Env): string | undefined {
  const value = optional(env, "SLACK_BOT_TOKEN");
  if (value === undefined) return undefined;
  try {
    return validateBotToken(value);
  } catch (error) {
    if (error instanceof BotTokenError) throw new ConfigError(error.message);
    throw error;
  }
}

/** App mode: the token (or where to read it) and the channel ID it posts to. */
function slackApp(env: Env): Pick<Config, "slackBotToken" | "slackBotTokenFrom" | "slackChannel"> {
  const slackBotToken = botToken(env);
  const slackBotTokenFrom = secretReference(env, "SLACK_BOT_TOKEN_FROM");
  const slackChannel = optional(env, "SLACK_CHANNEL");
  if (slackChannel !== undefined) {
    const problem = channelIdProblem(slackChannel);
    if (problem) throw new ConfigError(`SLACK_CHANNEL="${slackChannel}" ${problem}`);
  }
  if ((slackBotToken || slackBotTokenFrom) && slackChannel === undefined) {
    const tokenVariable = slackBotToken ? "SLACK_BOT_TOKEN" : "SLACK_BOT_TOKEN_FROM";
    throw new ConfigError(
      `${tokenVariable} is set but SLACK_CHANNEL is not: app mode needs the ID of the channel to post to (C…; in Slack, channel details → About → Channel ID)`,
    );
  }
  return { slackBotToken, slackBotTokenFrom, slackChannel };
}

export function loadConfig(env: Env = process.env): Config {
  const slackWebhookUrl = optional(env, "SLACK_WEBHOOK_URL");
  if (slackWebhookUrl && !/^https?:\/\//.test(slackWebhookUrl)) {
    // Do not echo the value: it is a secret.
    throw new ConfigError("SLACK_WEBHOOK_URL must be an http(s) URL");
  }
  const slackWebhookUrlFrom = webhookUrlFrom(env);
  const notifyTopicArn = optional(env, "NOTIFY_TOPIC_ARN");
  if (notifyTopicArn && !notifyTopicArn.startsWith("arn:")) {
    throw new ConfigError(`NOTIFY_TOPIC_ARN must be an SNS topic ARN, got "${notifyTopicArn}"`);
  }
  return {
    stateTable: optional(env, "STATE_TABLE"),
    notifyTopicArn,
    slackWebhookUrl,
    slackWebhookUrlFrom,
    slackWebhookSecret: slackWebhookUrlFrom,
    ...slackApp(env),
    slackSigningSecret: optional(env, "SLACK_SIGNING_SECRET"),
    slackSigningSecretFrom: secretReference(env, "SLACK_SIGNING_SECRET_FROM"),
    slackApiUrl: slackApiUrl(env),
    slackPostIntervalMs: millis(env, "SLACK_POST_INTERVAL_MS", 1000, 10_000),
    slackApprovers: approvers(env),
    slackDeploymentCards: choice(env, "SLACK_DEPLOYMENT_CARDS", ["all", "failures"] as const, "all"),
    dryRun: bool(env, "DRY_RUN", false),
    slackMinSeverity: severity(env, "SLACK_MIN_SEVERITY", "warning"),
    emailMinSeverity: severity(env, "EMAIL_MIN_SEVERITY", "critical"),
    pagerDutyRoutingKey: secretValue(env, "PAGERDUTY_ROUTING_KEY", validateRoutingKey),
    pagerDutyRoutingKeyFrom: secretReference(env, "PAGERDUTY_ROUTING_KEY_FROM"),
    pagerDutyEventsUrl: endpointUrl(env, "PAGERDUTY_EVENTS_URL", DEFAULT_PAGERDUTY_EVENTS_URL),
    pagerdutyMinSeverity: severity(env, "PAGERDUTY_MIN_SEVERITY", "critical"),
    teamsWebhookUrl: secretValue(env, "TEAMS_WEBHOOK_URL", validateTeamsWebhookUrl),
    teamsWebhookUrlFrom: secretReference(env, "TEAMS_WEBHOOK_URL_FROM"),
    teamsMinSeverity: severity(env, "TEAMS_MIN_SEVERITY", "warning"),
    chatbotTopicArn: topicArn(env, "CHATBOT_TOPIC_ARN"),
    chatbotMinSeverity: severity(env, "CHATBOT_MIN_SEVERITY", "warning"),
    throttleWindowMinutes: positiveNumber(env, "THROTTLE_WINDOW_MINUTES", 10),
    autoRollbackServices: rollbackServices(env),
    crashLoopThreshold: positiveNumber(env, "CRASH_LOOP_THRESHOLD", 3),
    crashLoopWindowMinutes: positiveNumber(env, "CRASH_LOOP_WINDOW_MINUTES", 15),
    postCompletionMinutes: positiveNumber(env, "POST_COMPLETION_MINUTES", 30),
    rollbackCooldownMinutes: positiveNumber(env, "ROLLBACK_COOLDOWN_MINUTES", 30),
    logTailLines: positiveNumber(env, "LOG_TAIL_LINES", 20),
    historyRetentionDays: positiveNumber(env, "HISTORY_RETENTION_DAYS", 30),
    enrichBudgetMs: positiveNumber(env, "ENRICH_BUDGET_MS", 4000),
    region: optional(env, "AWS_REGION") ?? optional(env, "AWS_DEFAULT_REGION"),
    jobsFile: optional(env, "JOBS_FILE"),
    ...accountSettings(env),
  };
}
