/** Types of infra/stack-config.cjs, for the TypeScript tests that call its pure builders. */

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

export interface StackParams {
  watchedClusters: string[];
  autoRollbackServices: RollbackService[];
  slackWebhookSecret: string;
  logGroupPattern: string;
  /** Null without a jobs file (or without jobs): the job functions are scoped by the watched clusters. */
  jobs: JobTargets | null;
}

export interface RawStackParams {
  watchedClusters?: string | null;
  autoRollbackServices?: string | null;
  slackWebhookSecret?: string | null;
  logGroupPattern?: string | null;
  jobs?: Partial<JobTargets> | null;
}

export interface EventPattern {
  source: string[];
  "detail-type": string[];
  detail?: Record<string, unknown>;
  resources?: Array<{ prefix: CfnValue }>;
}

export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, unknown>>;
}

export declare const AUTO_ROLLBACK_TAG: string;

export declare class InvalidStackParameterError extends Error {
  readonly parameter: string;
  constructor(parameter: string, message: string);
}

export declare function parseList(value: string | null | undefined): string[];
export declare function stackParams(raw: RawStackParams): StackParams;

export declare function taskStoppedPattern(params: StackParams): EventPattern;
export declare function spotNoticePattern(params: StackParams): EventPattern;
export declare function deploymentPattern(params: StackParams): EventPattern;

export declare function taskStateStatements(params: StackParams): IamStatement[];
export declare function deploymentEventsStatements(params: StackParams): IamStatement[];
export declare function runJobStatements(params: StackParams): IamStatement[];
export declare function watchdogStatements(params: StackParams): IamStatement[];

/** `.js` under `osls invoke local` (which cannot load `.mjs`), else `.mjs`. */
export declare function bundleExtension(argv?: string[]): ".js" | ".mjs";
