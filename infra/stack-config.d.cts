/** Types of infra/stack-config.cjs (and the stack-params.cjs names it re-exports), for the TypeScript tests that call its pure builders. */

/** A CloudFormation value: a literal or an intrinsic function object. */
export type CfnValue = string | { [intrinsic: string]: unknown };

export interface RollbackService {
  /** Undefined when the entry was a bare service name: any watched cluster. */
  cluster: string | undefined;
  service: string;
}

/** The clusters and task definitions of the jobs file, as jobs.yml writes them (names or ARNs). */
export interface JobTargets {
  clusters: string[];
  taskDefinitions: string[];
}

/** The handlers' numeric settings (src/app/config.ts), validated as positive numbers at package time. */
export interface Tuning {
  throttleWindowMinutes: number;
  crashLoopThreshold: number;
  crashLoopWindowMinutes: number;
  postCompletionMinutes: number;
  rollbackCooldownMinutes: number;
  logTailLines: number;
  historyRetentionDays: number;
  enrichBudgetMs: number;
}

export type TuningName = keyof Tuning;
export type Severity = "info" | "warning" | "critical";

export interface StackParams {
  /** watchedClusters=*: the explicit opt-in to every cluster (then watchedClusters is empty). */
  everyCluster: boolean;
  watchedClusters: string[];
  autoRollbackServices: RollbackService[];
  /** Secrets Manager name or ARN, `ssm:NAME` or `/NAME`; "" = no webhook. Exact: no wildcards. */
  slackWebhookSecret: string;
  /** The same for the Slack app's bot token (app mode); "" = no app mode. */
  slackBotTokenSecret: string;
  /** The channel ID app mode posts to (C…/G…); "" exactly when slackBotTokenSecret is "". */
  slackChannel: string;
  /** The secret holding the Slack app's signing secret (buttons); "" = no buttons. Exact, like the others. */
  slackSigningSecret: string;
  /** Who may click the buttons: Slack member IDs (U…/W…) and user-group IDs (S…); empty = no buttons. */
  slackApprovers: string[];
  /** Both button parameters set, in app mode: the slackActions function and its URL exist. */
  slackButtons: boolean;
  /** The secret holding the PagerDuty Events API v2 routing key, named like the Slack ones; "" = no PagerDuty. */
  pagerDutyRoutingKeySecret: string;
  /** The least severity that pages; default critical. */
  pagerDutyMinSeverity: Severity;
  /** The secret holding the Microsoft Teams Workflows webhook URL; "" = no Teams. */
  teamsWebhookSecret: string;
  /** Default warning. */
  teamsMinSeverity: Severity;
  /** The standard SNS topic Amazon Q Developer subscribes to (an ARN, not a secret); "" = off. */
  chatbotTopicArn: string;
  /** Default warning. */
  chatbotMinSeverity: Severity;
  /** Log group name patterns the log tail may read; default `/ecs/*`. */
  logGroupPatterns: string[];
  /** Regions the log tail may read besides the stack's own; `["*"]` = any region. */
  logRegions: string[];
  alertEmail: string;
  /** IAM role name patterns (after `role/`) the functions may pass to ECS tasks; empty = no PassRole. */
  passRolePatterns: string[];
  tuning: Tuning;
  dryRun: boolean;
  /** The deployment hook fails closed (FAILED) on a payload it does not understand; default false. */
  hookFailClosed: boolean;
  metrics: "on" | "off";
  slackMinSeverity: Severity;
  emailMinSeverity: Severity;
  /** Null without jobs: run-job and the watchdog get no ECS task permission. */
  jobs: JobTargets | null;
  /** One deployment for many accounts (infra/hub.cjs); false = a single-account stack. */
  hubMode: boolean;
  /** `o-…`: every account of the organization may send to the hub bus and be assumed into; "" = none. */
  organizationId: string;
  /** 12-digit ids of the accounts that may send to the hub bus and be assumed into; may be empty. */
  memberAccounts: string[];
  /** The member role's name (infra/member.yml); default ecs-sentinel-member. */
  memberRoleName: string;
  /** The external id the member role's trust policy demands; "" without hub mode. */
  memberExternalId: string;
  /** Names shown for accounts in messages, as parsed; both modes. */
  accountNames: Array<{ id: string; name: string }>;
  /** The accountNames parameter as given (ACCOUNT_NAMES). */
  accountNamesText: string;
  /** The accountRouting parameter as given (ACCOUNT_ROUTING, JSON). */
  accountRouting: string;
}

export type RawStackParams = {
  watchedClusters?: string | null;
  autoRollbackServices?: string | null;
  slackWebhookSecret?: string | null;
  slackBotTokenSecret?: string | null;
  slackChannel?: string | null;
  slackSigningSecret?: string | null;
  slackApprovers?: string | null;
  pagerDutyRoutingKeySecret?: string | null;
  pagerDutyMinSeverity?: string | null;
  teamsWebhookSecret?: string | null;
  teamsMinSeverity?: string | null;
  chatbotTopicArn?: string | null;
  chatbotMinSeverity?: string | null;
  alertEmail?: string | null;
  logGroupPattern?: string | null;
  logRegions?: string | null;
  passRolePattern?: string | null;
  dryRun?: string | null;
  hookFailClosed?: string | null;
  metrics?: string | null;
  slackMinSeverity?: string | null;
  emailMinSeverity?: string | null;
  jobs?: Partial<JobTargets> | null;
  hubMode?: string | null;
  organizationId?: string | null;
  memberAccounts?: string | null;
  memberRoleName?: string | null;
  memberExternalId?: string | null;
  accountNames?: string | null;
  accountRouting?: string | null;
  /** Problems found while reading the inputs (unknown names, a missing jobs file), reported with the rest. */
  problems?: string[];
} & { [name in TuningName]?: string | number | null };

export interface EventPattern {
  source: string[];
  "detail-type": string[];
  detail?: Record<string, unknown>;
  resources?: Array<{ prefix: CfnValue } | { wildcard: CfnValue }>;
}

export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, unknown>>;
}

export declare const AUTO_ROLLBACK_TAG: string;
/** Defaults of the numeric settings; serverless.yml's params and src/app/config.ts must agree. */
export declare const TUNING_DEFAULTS: Readonly<Tuning>;

/** Every problem of the stack parameters at once. */
export declare class InvalidStackParameterError extends Error {
  readonly problems: string[];
  constructor(problems: string[]);
}

/** The parameter names serverless.yml declares under params.default. */
export declare const PARAMETER_NAMES: readonly string[];

export declare function parseList(value: string | null | undefined): string[];
export declare function stackParams(raw: RawStackParams): StackParams;

/** `anyAccount`: the hub bus's variant, matching the watched clusters' names in any account and region. */
export interface PatternScope {
  anyAccount?: boolean;
}

export declare function taskStoppedPattern(params: StackParams, scope?: PatternScope): EventPattern;
export declare function spotNoticePattern(params: StackParams, scope?: PatternScope): EventPattern;
export declare function deploymentPattern(params: StackParams, scope?: PatternScope): EventPattern;
export declare function hookStatePattern(params: StackParams, scope?: PatternScope): EventPattern;

export declare function taskStateStatements(params: StackParams): IamStatement[];
export declare function deploymentEventsStatements(params: StackParams): IamStatement[];
export declare function runJobStatements(params: StackParams): IamStatement[];
export declare function watchdogStatements(params: StackParams): IamStatement[];

/** HUB_ACCOUNT_ID: a Ref to the stack's account; "" under `osls invoke local` (HUB_ACCOUNT_ID_OVERRIDE sets it). */
export declare function hubAccountId(argv?: string[]): "" | { Ref: "AWS::AccountId" };

/** `.js` under `osls invoke local` (which cannot load `.mjs`), else `.mjs`. */
export declare function bundleExtension(argv?: string[]): ".js" | ".mjs";
