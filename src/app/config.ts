/**
 * Environment parsed once at cold start. A missing or bad variable fails loudly here, with its name,
 * instead of half-way through an event.
 */
import { SEVERITIES, type Severity } from "../shared/diagnosis/types.js";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface Config {
  /** DynamoDB state table; without it nothing is de-duplicated or throttled (local dry runs). */
  stateTable?: string;
  /** SNS topic for email; without it email is off. */
  notifyTopicArn?: string;
  /** Webhook URL for local use and tests; wins over the secret. Never logged. */
  slackWebhookUrl?: string;
  /** Secrets Manager secret id or SSM SecureString name (`ssm:/name` or `/name`) holding the webhook URL. */
  slackWebhookSecret?: string;
  dryRun: boolean;
  slackMinSeverity: Severity;
  emailMinSeverity: Severity;
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
}

type Env = Record<string, string | undefined>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
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

function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function loadConfig(env: Env = process.env): Config {
  const slackWebhookUrl = optional(env, "SLACK_WEBHOOK_URL");
  if (slackWebhookUrl && !/^https?:\/\//.test(slackWebhookUrl)) {
    // Do not echo the value: it is a secret.
    throw new ConfigError("SLACK_WEBHOOK_URL must be an http(s) URL");
  }
  const notifyTopicArn = optional(env, "NOTIFY_TOPIC_ARN");
  if (notifyTopicArn && !notifyTopicArn.startsWith("arn:")) {
    throw new ConfigError(`NOTIFY_TOPIC_ARN must be an SNS topic ARN, got "${notifyTopicArn}"`);
  }
  return {
    stateTable: optional(env, "STATE_TABLE"),
    notifyTopicArn,
    slackWebhookUrl,
    slackWebhookSecret: optional(env, "SLACK_WEBHOOK_SECRET"),
    dryRun: bool(env, "DRY_RUN", false),
    slackMinSeverity: severity(env, "SLACK_MIN_SEVERITY", "warning"),
    emailMinSeverity: severity(env, "EMAIL_MIN_SEVERITY", "critical"),
    throttleWindowMinutes: positiveNumber(env, "THROTTLE_WINDOW_MINUTES", 10),
    autoRollbackServices: list(env, "AUTO_ROLLBACK_SERVICES"),
    crashLoopThreshold: positiveNumber(env, "CRASH_LOOP_THRESHOLD", 3),
    crashLoopWindowMinutes: positiveNumber(env, "CRASH_LOOP_WINDOW_MINUTES", 15),
    postCompletionMinutes: positiveNumber(env, "POST_COMPLETION_MINUTES", 30),
    rollbackCooldownMinutes: positiveNumber(env, "ROLLBACK_COOLDOWN_MINUTES", 30),
    logTailLines: positiveNumber(env, "LOG_TAIL_LINES", 20),
    historyRetentionDays: positiveNumber(env, "HISTORY_RETENTION_DAYS", 30),
    enrichBudgetMs: positiveNumber(env, "ENRICH_BUDGET_MS", 4000),
    region: optional(env, "AWS_REGION") ?? optional(env, "AWS_DEFAULT_REGION"),
    jobsFile: optional(env, "JOBS_FILE"),
  };
}
