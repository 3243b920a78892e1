/**
 * What `ecs-sentinel org check` checks and how it judges the answers, without I/O: which accounts and regions,
 * what a failed probe of the member role means, and whether events are still arriving.
 */

import { MemberRegionDisabledError, MemberRoleAccessError } from "../app/member-access.js";
import type { AccountSeenRecord } from "../shared/accounts/last-seen.js";
import { type AllowedAccounts, accountRefusal } from "../shared/accounts/policy.js";

export interface CheckTarget {
  account: string;
  region: string;
}

export interface CheckPlan {
  targets: CheckTarget[];
  /** Accounts named with --account that the hub does not act for, with the reason. */
  refused: { account: string; reason: string }[];
}

/**
 * The accounts: the ALLOWED_ACCOUNTS list, or with `organization` those that have sent events, plus any given.
 * The hub's own account is not a member (no role to assume) and is left out. The regions: those given, else those
 * an account has sent events from, else the default region.
 */
export function planChecks(input: {
  allowed: AllowedAccounts;
  hubAccount: string;
  givenAccounts: readonly string[];
  givenRegions: readonly string[];
  defaultRegion: string;
  seen: readonly AccountSeenRecord[];
}): CheckPlan {
  const listed =
    input.allowed.kind === "list"
      ? input.allowed.accounts
      : input.allowed.kind === "organization"
        ? input.seen.map((record) => record.account)
        : [];
  const accounts = [...new Set([...listed, ...input.givenAccounts])].filter((a) => a !== input.hubAccount);
  const home = { account: input.hubAccount, region: input.defaultRegion };
  const refused: CheckPlan["refused"] = [];
  const targets: CheckTarget[] = [];
  for (const account of accounts) {
    const reason = accountRefusal(account, input.allowed, home);
    if (reason) {
      refused.push({ account, reason });
      continue;
    }
    const seenRegions = input.seen.filter((r) => r.account === account).map((r) => r.region);
    const regions =
      input.givenRegions.length > 0
        ? input.givenRegions
        : seenRegions.length > 0
          ? [...new Set(seenRegions)].sort()
          : [input.defaultRegion];
    for (const region of regions) targets.push({ account, region });
  }
  return { targets, refused };
}

export type RoleVerdict = { ok: true } | { ok: false; problem: string; why: string };

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

/** A failed probe (AssumeRole, then one ECS read with its credentials) as a problem and what to do. */
export function roleFailure(error: unknown): RoleVerdict {
  const name = error instanceof Error ? error.name : "";
  if (error instanceof MemberRoleAccessError)
    return { ok: false, problem: "role refused", why: error.message };
  if (error instanceof MemberRegionDisabledError)
    return { ok: false, problem: "region disabled", why: error.message };
  // Credentials from AssumeRole that a region rejects: an opt-in region the account has not enabled.
  if (name === "UnrecognizedClientException" || name === "InvalidClientTokenId")
    return {
      ok: false,
      problem: "region disabled",
      why: "the region rejects the member role's credentials: enable the region for the account (an opt-in region) or use regional STS tokens",
    };
  if (THROTTLING.has(name)) return { ok: false, problem: "throttled", why: `${name}: try again in a minute` };
  if (name === "AccessDeniedException" || name === "AccessDenied")
    return {
      ok: false,
      problem: "role lacks permissions",
      why: "the role was assumed but may not call ecs:DescribeServices: update the member stack in this account",
    };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, problem: "error", why: `${name || "error"}: ${message}`.slice(0, 300) };
}

export type EventsVerdict = { ok: boolean; lastEventAt?: number; why: string };

/** Whether the hub has heard from an account and region within `staleMs`. */
export function eventsVerdict(lastEventAt: number | undefined, now: number, staleMs: number): EventsVerdict {
  if (lastEventAt === undefined)
    return {
      ok: false,
      why: "no event has reached the hub from here: is the member stack's forwarding rule deployed in this region?",
    };
  const age = Math.max(0, now - lastEventAt);
  if (age > staleMs)
    return { ok: false, lastEventAt, why: `last event ${ago(age)} ago, longer than ${ago(staleMs)}` };
  return { ok: true, lastEventAt, why: `last event ${ago(age)} ago` };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "3 d", "5 h", "12 min": enough to judge, not a timestamp. */
export function ago(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${Math.floor(ms / DAY_MS)} d`;
  if (ms >= 2 * HOUR_MS) return `${Math.floor(ms / HOUR_MS)} h`;
  return `${Math.floor(ms / MINUTE_MS)} min`;
}
