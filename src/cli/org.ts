/**
 * `ecs-sentinel org check`: for every member account and region of an Organization hub, can the hub get in (the
 * member role), and are its events arriving (the last event time the hub recorded in the state table)?
 *
 * The probe after AssumeRole is `ecs:DescribeTaskDefinition` of a family that does not exist: the member role
 * (infra/member.yml) grants it on every resource (the action has no resource-level permission), while its service
 * reads are scoped to the watched clusters, which the CLI does not know. It reads nothing of the account and
 * answers ClientException ("Unable to describe task definition") when the role works, AccessDenied when it does
 * not.
 */
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { dynamoDocumentClient } from "../app/aws.js";
import { loadConfig } from "../app/config.js";
import { clientsForConfig } from "../app/member-access.js";
import type { AccountSeen, AccountSeenRecord } from "../shared/accounts/last-seen.js";
import { dynamoAccountSeen } from "../shared/accounts/last-seen-dynamo.js";
import { ACCOUNT_ID, accountLabel } from "../shared/accounts/policy.js";
import { errorSummary } from "../shared/aws-errors.js";
import { InvalidSinceError, parseSince } from "../shared/enrich/history.js";
import { singleLine } from "../shared/notify/text.js";
import { parseCommandArgs } from "./args.js";
import { type CliIo, UsageError } from "./io.js";
import {
  type CheckTarget,
  type EventsVerdict,
  eventsVerdict,
  planChecks,
  type RoleVerdict,
  roleFailure,
} from "./org-check.js";

export const ORG_HELP = `Usage: ecs-sentinel org check [--account A]... [--region R]... [--stale 24h] [--json]

Checks an Organization hub's member accounts, one line per account and region:
  - the member role can be assumed (MEMBER_ROLE_NAME, with MEMBER_EXTERNAL_ID) and answers one harmless read
    (ecs:DescribeTaskDefinition of a family that does not exist); otherwise why: role refused (trust policy,
    external id or member stack missing), region disabled, throttled, role lacks permissions
  - events are arriving: the last event the hub received from there (state table), flagged when there is
    none or it is older than --stale

Accounts: those of ALLOWED_ACCOUNTS; with ALLOWED_ACCOUNTS=organization, those that have sent events; plus
any given with --account. The hub's own account has no member role and is not checked. Regions: those given
with --region, else those an account has sent events from, else AWS_REGION.

Options:
  --account A   also check this account (repeat, or comma-separate)
  --region R    check these regions only (repeat, or comma-separate)
  --stale D     events older than this are flagged: 90m, 24h, 7d (default: 24h)
  --json        print one JSON document instead of the lines
  -h, --help    show this help

Run it with credentials the member roles trust (the hub's function role): the member roles trust nothing else.
Environment: HUB_ACCOUNT_ID, ALLOWED_ACCOUNTS, MEMBER_ROLE_NAME, MEMBER_EXTERNAL_ID, ACCOUNT_NAMES,
STATE_TABLE, AWS_REGION, AWS_ENDPOINT_URL (emulator).
Exit status: 0 every account and region is fine; 1 some is not (or the state table could not be read);
2 wrong usage or HUB_ACCOUNT_ID / STATE_TABLE unset.`;

export class AccountSeenReadError extends Error {
  override readonly name = "AccountSeenReadError";
}

/** One harmless read in a member account and region; throws what AssumeRole or ECS threw. */
export type MemberProbe = (target: CheckTarget) => Promise<void>;

export interface OrgCommandDeps {
  seen?: AccountSeen;
  probe?: MemberProbe;
  now?: () => number;
}

const PROBE_NAME = "ecs-sentinel-org-check";
/** What ECS answers for a task definition that does not exist: the role got in. */
const FOUND_NOTHING = new Set(["ClientException", "InvalidParameterException"]);
/** Tens of accounts: a few at a time keeps STS and ECS from throttling the check itself. */
const CONCURRENCY = 4;

function describeServicesProbe(env: CliIo["env"]): MemberProbe {
  const clients = clientsForConfig(loadConfig(env));
  return async (target) => {
    try {
      await clients(target).ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: PROBE_NAME }));
    } catch (error) {
      if (!(error instanceof Error && FOUND_NOTHING.has(error.name))) throw error;
    }
  };
}

interface CheckResult extends CheckTarget {
  role: RoleVerdict;
  events: EventsVerdict;
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

/** Comma-separated and repeated values, trimmed. */
function listOption(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

export async function runOrg(argv: string[], io: CliIo, deps: OrgCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      account: { type: "string", multiple: true },
      region: { type: "string", multiple: true },
      stale: { type: "string", default: "24h" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${ORG_HELP}\n`);
    return 0;
  }
  const [subcommand, ...extra] = positionals;
  if (subcommand !== "check")
    throw new UsageError(`expected "org check", got "org ${subcommand ?? ""}"`.trim());
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  let staleMs: number;
  try {
    staleMs = parseSince(values.stale);
  } catch (error) {
    if (error instanceof InvalidSinceError)
      throw new UsageError(`--stale must be a duration such as 90m, 24h or 7d, got "${values.stale}"`);
    throw error;
  }
  const givenAccounts = listOption(values.account);
  const badAccount = givenAccounts.find((a) => !ACCOUNT_ID.test(a));
  if (badAccount) throw new UsageError(`--account must be a 12-digit account id, got "${badAccount}"`);
  const config = loadConfig(io.env);
  if (!config.hubAccountId)
    throw new UsageError(
      "HUB_ACCOUNT_ID is not set: name the hub's own account (the stack's HUB_ACCOUNT_ID)",
    );
  const defaultRegion = config.region;
  if (!defaultRegion) throw new UsageError("AWS_REGION is not set: name the hub's region");
  const tableName = io.env.STATE_TABLE?.trim();
  if (!deps.seen && !tableName) throw new UsageError("STATE_TABLE is not set: name the stack's state table");
  const seenStore = deps.seen ?? dynamoAccountSeen(dynamoDocumentClient(), tableName ?? "");
  const seen: AccountSeenRecord[] = await seenStore.list().catch((error: unknown) => {
    throw new AccountSeenReadError(singleLine(`could not read table ${tableName}: ${errorSummary(error)}`));
  });

  const plan = planChecks({
    allowed: config.allowedAccounts,
    hubAccount: config.hubAccountId,
    givenAccounts,
    givenRegions: listOption(values.region),
    defaultRegion,
    seen,
  });
  const now = (deps.now ?? Date.now)();
  const probe = deps.probe ?? describeServicesProbe(io.env);
  const results = await inBatches(plan.targets, CONCURRENCY, async (target): Promise<CheckResult> => {
    const role = await probe(target).then(
      (): RoleVerdict => ({ ok: true }),
      (error: unknown) => roleFailure(error),
    );
    const last = seen.find((r) => r.account === target.account && r.region === target.region)?.lastEventAt;
    return { ...target, role, events: eventsVerdict(last, now, staleMs) };
  });
  const allGood = plan.refused.length === 0 && results.every((r) => r.role.ok && r.events.ok);
  const name = (account: string) => accountLabel(account, config.accountNames);

  if (values.json) {
    const document = {
      ok: allGood,
      checkedAt: new Date(now).toISOString(),
      staleAfter: values.stale,
      results: results.map((r) => ({
        account: r.account,
        name: config.accountNames[r.account] ?? null,
        region: r.region,
        ok: r.role.ok && r.events.ok,
        role: r.role,
        events: {
          ok: r.events.ok,
          lastEventAt:
            r.events.lastEventAt === undefined ? null : new Date(r.events.lastEventAt).toISOString(),
          why: r.events.why,
        },
      })),
      refused: plan.refused,
    };
    io.stdout.write(`${JSON.stringify(document)}\n`);
    return allGood ? 0 : 1;
  }
  if (results.length === 0 && plan.refused.length === 0) {
    io.stdout.write(
      "No member accounts to check: ALLOWED_ACCOUNTS lists none, and none has sent events (give --account A).\n",
    );
    return 1;
  }
  const lines = [
    ...results.map((r) => {
      const ok = r.role.ok && r.events.ok;
      const role = r.role.ok ? "role OK" : `${r.role.problem}: ${r.role.why}`;
      return `${ok ? "✓" : "✗"} ${name(r.account)} ${r.region}  ${role} · ${r.events.why}`;
    }),
    ...plan.refused.map((r) => `✗ ${name(r.account)}  not checked: ${r.reason}`),
  ];
  io.stdout.write(`${lines.join("\n")}\n`);
  return allGood ? 0 : 1;
}
