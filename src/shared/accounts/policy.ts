/**
 * PURE: which AWS accounts a hub acts for (issue 17: one deployment for an Organization). An event from any other
 * account is dropped with a log line and never acted on; names make accounts readable in every message.
 *
 *   ALLOWED_ACCOUNTS   empty: the hub's own account only (a single-account deployment);
 *                      `organization`: every account the hub bus admits (its policy checks aws:PrincipalOrgID);
 *                      a list of 12-digit ids (the hub's own is always allowed)
 *   ACCOUNT_NAMES      `111111111111=prod,222222222222=staging`
 */

export type AllowedAccounts =
  | { kind: "own" }
  | { kind: "organization" }
  | { kind: "list"; accounts: readonly string[] };

export const ACCOUNT_ID = /^\d{12}$/;

/** Where a hub runs: the events of this account and region use its own clients and keys. */
export interface HomeScope {
  account?: string;
  region?: string;
}

/** Why an event's account is not acted on; undefined when it is. */
export function accountRefusal(
  account: string | undefined,
  allowed: AllowedAccounts,
  home: HomeScope,
): string | undefined {
  if (!account || account === home.account) return undefined;
  if (allowed.kind === "organization") return undefined;
  if (allowed.kind === "list")
    return allowed.accounts.includes(account)
      ? undefined
      : `account ${account} is not among the allowed accounts (ALLOWED_ACCOUNTS)`;
  // Without HUB_ACCOUNT_ID (a local run) the own account is unknown: single-account behaviour, no check.
  if (home.account === undefined) return undefined;
  return `the event is from account ${account}, not this deployment's (${home.account}): set hub mode up to act for other accounts`;
}

/** Whether an event of `account`/`region` is one of another account or region than the hub's own. */
export function isMemberScope(scope: { account?: string; region?: string }, home: HomeScope): boolean {
  return (
    (scope.account !== undefined && home.account !== undefined && scope.account !== home.account) ||
    (scope.region !== undefined && home.region !== undefined && scope.region !== home.region)
  );
}

/** "prod (111111111111)", or the id alone. */
export function accountLabel(account: string, names: Readonly<Record<string, string>>): string {
  const name = names[account];
  return name ? `${name} (${account})` : account;
}

/**
 * The prefix that keeps flood, incident and history keys of another account or region apart from the hub's own
 * (the same service name in two accounts never merges); empty for the hub's own events, whose keys stay as
 * single-account deployments have them.
 */
export function scopeKeyPrefix(scope: { account?: string; region?: string }, home: HomeScope): string {
  if (!isMemberScope(scope, home)) return "";
  return `${scope.account ?? "-"}:${scope.region ?? "-"}#`;
}
