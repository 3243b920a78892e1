/**
 * The Organization hub's part of the configuration (issue 17): the hub's own account, which accounts it acts for,
 * how it gets into them, their names and their routing. A typo fails loudly with the variable's name.
 */
import { ACCOUNT_ID, type AllowedAccounts } from "../shared/accounts/policy.js";
import { parseServiceOverrides, type ServiceOverrides } from "../shared/notify/routing.js";
import { ConfigError, type Env, list, optional } from "./config-parse.js";

export interface AccountSettings {
  hubAccountId?: string;
  allowedAccounts: AllowedAccounts;
  memberRoleName: string;
  memberExternalId?: string;
  accountNames: Record<string, string>;
  accountRouting: Record<string, ServiceOverrides>;
}

function hubAccount(env: Env): Pick<AccountSettings, "hubAccountId"> {
  const value = optional(env, "HUB_ACCOUNT_ID");
  if (value === undefined) return {};
  if (!ACCOUNT_ID.test(value))
    throw new ConfigError(`HUB_ACCOUNT_ID must be a 12-digit account id, got "${value}"`);
  return { hubAccountId: value };
}

/** ALLOWED_ACCOUNTS: empty (own account), `organization`, or 12-digit ids. */
function allowedAccounts(env: Env): AllowedAccounts {
  const value = optional(env, "ALLOWED_ACCOUNTS");
  if (value === undefined) return { kind: "own" };
  if (value.toLowerCase() === "organization") return { kind: "organization" };
  const accounts = list(env, "ALLOWED_ACCOUNTS");
  const bad = accounts.filter((id) => !ACCOUNT_ID.test(id));
  if (bad.length > 0)
    throw new ConfigError(
      `ALLOWED_ACCOUNTS must be "organization" or 12-digit account ids, got ${bad.map((b) => `"${b.slice(0, 40)}"`).join(", ")}`,
    );
  return { kind: "list", accounts };
}

/** ACCOUNT_NAMES: `111111111111=prod,222222222222=staging`. */
function accountNames(env: Env): Record<string, string> {
  const names: Record<string, string> = {};
  for (const entry of list(env, "ACCOUNT_NAMES")) {
    const [id, name, ...rest] = entry.split("=").map((part) => part.trim());
    if (!id || !ACCOUNT_ID.test(id) || !name || rest.length > 0)
      throw new ConfigError(
        `ACCOUNT_NAMES must read ACCOUNT=NAME,… with 12-digit ids, got "${entry.slice(0, 60)}"`,
      );
    names[id] = name;
  }
  return names;
}

/** MEMBER_ROLE_NAME: an IAM role name. */
function memberRoleName(env: Env): string {
  const value = optional(env, "MEMBER_ROLE_NAME") ?? "ecs-sentinel-member";
  if (!/^[\w+=,.@-]{1,64}$/.test(value))
    throw new ConfigError(`MEMBER_ROLE_NAME must be an IAM role name, got "${value.slice(0, 80)}"`);
  return value;
}

/** Who the hub acts for, and how it gets into their accounts: an external id is required for any other. */
function memberAccess(
  env: Env,
): Pick<AccountSettings, "allowedAccounts" | "memberRoleName" | "memberExternalId"> {
  const allowed = allowedAccounts(env);
  const externalId = optional(env, "MEMBER_EXTERNAL_ID");
  if (allowed.kind !== "own" && externalId === undefined)
    throw new ConfigError(
      "ALLOWED_ACCOUNTS names other accounts but MEMBER_EXTERNAL_ID is not set: the member roles require it",
    );
  return {
    allowedAccounts: allowed,
    memberRoleName: memberRoleName(env),
    ...(externalId ? { memberExternalId: externalId } : {}),
  };
}

const ROUTING_KEYS = ["channels", "min-severity", "slack-channel", "mute"];

/** ACCOUNT_ROUTING: per account, what its services' tags would say; a typo fails loudly. */
function accountRouting(env: Env): Record<string, ServiceOverrides> {
  const value = optional(env, "ACCOUNT_ROUTING");
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(
      'ACCOUNT_ROUTING must be JSON: {"111111111111": {"channels": "slack,pagerduty"}, …}',
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new ConfigError("ACCOUNT_ROUTING must be a JSON object keyed by account id");
  const routing: Record<string, ServiceOverrides> = {};
  for (const [account, settings] of Object.entries(parsed)) {
    if (!ACCOUNT_ID.test(account))
      throw new ConfigError(`ACCOUNT_ROUTING: "${account.slice(0, 40)}" is not a 12-digit account id`);
    if (typeof settings !== "object" || settings === null || Array.isArray(settings))
      throw new ConfigError(`ACCOUNT_ROUTING.${account} must be an object of ${ROUTING_KEYS.join(", ")}`);
    const tags: Record<string, string> = {};
    for (const [key, raw] of Object.entries(settings)) {
      if (!ROUTING_KEYS.includes(key))
        throw new ConfigError(
          `ACCOUNT_ROUTING.${account}.${key.slice(0, 40)} is not one of ${ROUTING_KEYS.join(", ")}`,
        );
      if (typeof raw !== "string")
        throw new ConfigError(`ACCOUNT_ROUTING.${account}.${key} must be a string`);
      tags[`ecs-sentinel:${key}`] = raw;
    }
    const { overrides, problems } = parseServiceOverrides(tags);
    const problem = problems[0];
    if (problem)
      throw new ConfigError(
        `ACCOUNT_ROUTING.${account}: ${problem.tag.replace("ecs-sentinel:", "")} ${problem.problem}`,
      );
    routing[account] = overrides;
  }
  return routing;
}

export function accountSettings(env: Env): AccountSettings {
  return {
    ...hubAccount(env),
    ...memberAccess(env),
    accountNames: accountNames(env),
    accountRouting: accountRouting(env),
  };
}
