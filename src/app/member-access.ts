/**
 * Into a member account (issue 17): credentials from `sts:AssumeRole` into the account's member role (its name
 * and external id from the configuration), cached per account until shortly before they expire, and one client of
 * each kind per account and region. The hub's own account and region keep the container's shared clients.
 *
 * AssumeRole answers AccessDenied alike whether the role's trust policy does not name this function's role, the
 * external id differs, or the member stack (and so the role) is missing: MemberRoleAccessError names all three.
 * Throttling and 5xx keep the SDK's own errors (transient: the event is retried).
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { isMemberScope } from "../shared/accounts/policy.js";
import type { LogsClientFor } from "../shared/enrich/log-tail.js";
import { parseArn } from "../shared/notify/console-links.js";
import { ecsClient, logsClientsByRegion } from "./aws.js";
import type { Config } from "./config.js";

/** The member role could not be assumed for a reason retrying will not fix. */
export class MemberRoleAccessError extends Error {
  override readonly name = "MemberRoleAccessError";
}

/** The member account's region is not enabled for STS or the account. */
export class MemberRegionDisabledError extends Error {
  override readonly name = "MemberRegionDisabledError";
}

export interface Scope {
  account?: string;
  region?: string;
}

/** Credentials are renewed this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;

export function partitionOf(region: string | undefined): string {
  if (region?.startsWith("cn-")) return "aws-cn";
  if (region?.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

let sharedSts: Promise<STSClient> | undefined;
const stsClient = (): Promise<STSClient> => {
  sharedSts ??= import("../shared/sdk-commands/sts.js").then(
    ({ STSClient }) => new STSClient({ maxAttempts: 3 }),
  );
  return sharedSts;
};

export type CredentialsFor = (account: string) => () => Promise<AwsCredentialIdentity>;

export function memberCredentials(
  settings: { roleName: string; externalId?: string; sessionName: string; region?: string },
  // Loaded on first use: a single-account deployment never loads STS.
  sts: () => Promise<STSClient> = stsClient,
  now: () => number = Date.now,
): CredentialsFor {
  const cache = new Map<string, { value: Promise<AwsCredentialIdentity>; renewAt: number }>();
  return (account) => async () => {
    const hit = cache.get(account);
    if (hit && hit.renewAt > now()) return hit.value;
    const roleArn = `arn:${partitionOf(settings.region)}:iam::${account}:role/${settings.roleName}`;
    const value = Promise.all([sts(), import("../shared/sdk-commands/sts.js")])
      .then(([client, { AssumeRoleCommand }]) =>
        client.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: settings.sessionName.slice(0, 64),
            DurationSeconds: SESSION_SECONDS,
            ...(settings.externalId ? { ExternalId: settings.externalId } : {}),
          }),
        ),
      )
      .then((out): AwsCredentialIdentity => {
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new MemberRoleAccessError(`AssumeRole of ${roleArn} returned no credentials`);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
          ...(c.Expiration ? { expiration: c.Expiration } : {}),
        };
      })
      .catch((error: unknown) => {
        throw namedAssumeError(error, roleArn, account);
      });
    const entry = { value, renewAt: now() + SESSION_SECONDS * 1000 - RENEW_BEFORE_MS };
    cache.set(account, entry);
    // A failure is not cached: the next call tries again.
    value
      .then((credentials) => {
        const expires = credentials.expiration?.getTime();
        if (expires !== undefined) entry.renewAt = expires - RENEW_BEFORE_MS;
      })
      .catch(() => {
        if (cache.get(account) === entry) cache.delete(account);
      });
    return value;
  };
}

function namedAssumeError(error: unknown, roleArn: string, account: string): Error {
  const name = error instanceof Error ? error.name : "";
  if (name === "AccessDenied" || name === "AccessDeniedException")
    return new MemberRoleAccessError(
      `cannot assume ${roleArn} (AccessDenied): the member role's trust policy does not name this function's role, the external id (MEMBER_EXTERNAL_ID) differs, or the member stack is not deployed in account ${account}`,
    );
  if (name === "RegionDisabledException")
    return new MemberRegionDisabledError(`STS is not enabled in this region for account ${account}`);
  return error instanceof Error ? error : new Error(String(error));
}

export interface ScopedClients {
  ecs: ECSClient;
  logs: LogsClientFor;
}

/**
 * The clients of an event's account and region: the container's own for the hub's, else clients over the member
 * role's credentials (one per account and region, kept for the container's life).
 */
export function scopedClients(
  config: Pick<Config, "hubAccountId" | "region" | "memberRoleName" | "memberExternalId">,
  credentialsFor: CredentialsFor = memberCredentials({
    roleName: config.memberRoleName,
    ...(config.memberExternalId ? { externalId: config.memberExternalId } : {}),
    sessionName: `ecs-sentinel-${process.env.AWS_LAMBDA_FUNCTION_NAME ?? "cli"}`,
    ...(config.region ? { region: config.region } : {}),
  }),
): (scope: Scope) => ScopedClients {
  const home = { account: config.hubAccountId, region: config.region };
  const cache = new Map<string, ScopedClients>();
  return (scope) => {
    if (!isMemberScope(scope, home)) return { ecs: ecsClient(), logs: logsClientsByRegion() };
    const region = scope.region ?? home.region;
    // The hub's own account in another region needs no role: its own credentials, another region.
    const account = scope.account && scope.account !== home.account ? scope.account : undefined;
    const key = `${account ?? "home"}:${region ?? "-"}`;
    let clients = cache.get(key);
    if (!clients) {
      const credentials = account ? credentialsFor(account) : undefined;
      const logsIn = async (logsRegion: string): Promise<CloudWatchLogsClient> =>
        new (await import("../shared/sdk-commands/cloudwatch-logs.js")).CloudWatchLogsClient({
          region: logsRegion,
          ...(credentials ? { credentials } : {}),
          maxAttempts: 2,
        });
      clients = {
        ecs: new ECSClient({
          ...(region ? { region } : {}),
          ...(credentials ? { credentials } : {}),
          maxAttempts: 4,
        }),
        logs: logsClientsByRegion(logsIn, region, () => logsIn(region ?? "us-east-1")),
      };
      cache.set(key, clients);
    }
    return clients;
  };
}

const perConfig = new WeakMap<object, (scope: Scope) => ScopedClients>();

/** One set of member clients (and one credentials cache) per configuration: the flows and the routing tags share it. */
export function clientsForConfig(
  config: Pick<Config, "hubAccountId" | "region" | "memberRoleName" | "memberExternalId">,
): (scope: Scope) => ScopedClients {
  let clients = perConfig.get(config);
  if (!clients) {
    clients = scopedClients(config);
    perConfig.set(config, clients);
  }
  return clients;
}

/** The account and region of an ARN (`arn:aws:ecs:REGION:ACCOUNT:…`). */
export function scopeOfArn(arn: string): Scope {
  const parts = parseArn(arn);
  return {
    ...(parts?.account ? { account: parts.account } : {}),
    ...(parts?.region ? { region: parts.region } : {}),
  };
}
