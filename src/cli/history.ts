/** `ecs-sentinel history`: the recent stops of a cluster or service, by category, from the state table. */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "../app/aws.js";
import { ACCOUNT_ID, scopeKeyPrefix } from "../shared/accounts/policy.js";
import { errorSummary } from "../shared/aws-errors.js";
import {
  clusterName,
  formatWindow,
  type HistorySummaryRow,
  InvalidSinceError,
  parseSince,
  summarizeHistory,
} from "../shared/enrich/history.js";
import { createHistoryStore } from "../shared/enrich/history-store.js";
import { parseServiceArn } from "../shared/events/arns.js";
import { singleLine } from "../shared/notify/text.js";
import { dynamoActionStore } from "../shared/slack-actions/dynamo-store.js";
import type { ClaimRecord } from "../shared/slack-actions/store.js";
import { parseCommandArgs } from "./args.js";
import { type CliIo, UsageError } from "./io.js";

export const HISTORY_HELP = `Usage: ecs-sentinel history [--cluster C] [--service S] [--since 24h] [--account A] [--region R] [--json]

Prints the recent stopped-task failures recorded in the state table, grouped by category, most frequent
first: how many, which services, which causes, first and last time; then the actions taken from Slack's
buttons (roll back, mute, unmute) in the cluster: when, what, by whom, and how it ended.

Options:
  --cluster C   cluster name or ARN (default: default)
  --service S   only this service (default: the whole cluster)
  --since D     how far back: 90m, 24h, 7d, 2w (default: 24h)
  --account A   an Organization hub: the member account the cluster is in (default: the hub's own)
  --region R    ... and its region (default: AWS_REGION)
  --json        print one JSON document instead of the report
  -h, --help    show this help

Environment: STATE_TABLE (the stack's state table), AWS_REGION, AWS_ENDPOINT_URL (emulator), HUB_ACCOUNT_ID
(the hub's account: another --account or --region reads that account's history).
Exit status: 0 printed (even when nothing was recorded); 2 wrong usage or STATE_TABLE unset; 1 the table
could not be read.`;

export class HistoryReadError extends Error {
  override readonly name = "HistoryReadError";
}

export interface HistoryCommandDeps {
  client?: DynamoDBDocumentClient;
  now?: () => number;
}

/** The service an action was about (its name), if any. */
function actionService(action: ClaimRecord): string | undefined {
  return action.subject.serviceArn ? parseServiceArn(action.subject.serviceArn)?.service : undefined;
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

function counts(items: ReadonlyArray<{ name: string; count: number }>): string {
  return items.map((item) => `${item.name} ${item.count}`).join(", ");
}

function rowReport(row: HistorySummaryRow): string[] {
  return [
    `${row.category} · ${row.count} ${row.count === 1 ? "stop" : "stops"} · ${row.severity}`,
    `  last:     ${utc(row.lastAt)}  ${singleLine(row.lastTitle)}`,
    `  first:    ${utc(row.firstAt)}`,
    `  services: ${counts(row.groups)}`,
    `  causes:   ${counts(row.subCauses.map(({ subCause, count }) => ({ name: subCause || "-", count })))}`,
  ];
}

export async function runHistory(argv: string[], io: CliIo, deps: HistoryCommandDeps = {}): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    allowPositionals: false,
    options: {
      cluster: { type: "string", default: "default" },
      service: { type: "string" },
      since: { type: "string", default: "24h" },
      account: { type: "string" },
      region: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${HISTORY_HELP}\n`);
    return 0;
  }
  let windowMs: number;
  try {
    windowMs = parseSince(values.since);
  } catch (error) {
    if (error instanceof InvalidSinceError) throw new UsageError(error.message);
    throw error;
  }
  const tableName = io.env.STATE_TABLE?.trim();
  if (!tableName) throw new UsageError("STATE_TABLE is not set: name the stack's state table");

  const now = deps.now ?? Date.now;
  const since = now() - windowMs;
  if (values.account !== undefined && !ACCOUNT_ID.test(values.account))
    throw new UsageError(`--account must be a 12-digit account id, got "${values.account}"`);
  const home = {
    account: io.env.HUB_ACCOUNT_ID?.trim() || undefined,
    region: io.env.AWS_REGION?.trim() || undefined,
  };
  const keyPrefix = scopeKeyPrefix(
    { account: values.account ?? home.account, region: values.region ?? home.region },
    home,
  );
  if ((values.account || values.region) && !home.account && values.account)
    throw new UsageError(
      "--account needs HUB_ACCOUNT_ID (the hub's own account) to tell a member account's history apart",
    );
  const store = createHistoryStore({
    client: deps.client ?? dynamoDocumentClient(),
    tableName,
    now,
    ...(keyPrefix ? { clusterKeyPrefix: keyPrefix } : {}),
  });
  const stops = await store
    .recentStops({ cluster: values.cluster, service: values.service, since })
    .catch((error: unknown) => {
      const why = errorSummary(error);
      throw new HistoryReadError(singleLine(`could not read table ${tableName}: ${why}`));
    });
  const rows = summarizeHistory(stops);
  const sinceIso = new Date(since).toISOString();
  const actions = (
    await dynamoActionStore(deps.client ?? dynamoDocumentClient(), tableName, now)
      .recentActions(clusterName(values.cluster), since)
      .catch((error: unknown) => {
        throw new HistoryReadError(singleLine(`could not read table ${tableName}: ${errorSummary(error)}`));
      })
  ).filter((action) => !values.service || actionService(action) === values.service);

  if (values.json) {
    const document = {
      cluster: values.cluster,
      service: values.service ?? null,
      since: sinceIso,
      stops: stops.length,
      categories: rows,
      actions: actions.map((a) => ({
        at: new Date(a.finishedAt ?? a.at).toISOString(),
        action: a.kind,
        by: a.by,
        service: actionService(a),
        deploymentId: a.subject.deploymentId ?? null,
        job: a.subject.job ?? null,
        status: a.status,
        result: a.result ?? null,
      })),
    };
    io.stdout.write(`${JSON.stringify(document)}\n`);
    return 0;
  }
  const scope = `cluster ${values.cluster}${values.service ? `, service ${values.service}` : ""}`;
  const period = `since ${utc(sinceIso)} (${formatWindow(windowMs)})`;
  const actionLines = actions.map(
    (a) =>
      `  ${utc(new Date(a.finishedAt ?? a.at).toISOString())}  ${a.kind} ${actionService(a) ?? a.subject.job ?? "-"} by ${singleLine(a.by.name ?? a.by.id)}: ${a.status}${a.result ? ` — ${singleLine(a.result)}` : ""}`,
  );
  const actionReport = actionLines.length > 0 ? `\n\nActions from Slack:\n${actionLines.join("\n")}` : "";
  if (stops.length === 0) {
    io.stdout.write(`No stops recorded in ${scope} ${period}.${actionReport}\n`);
    return 0;
  }
  const heading = `${stops.length} ${stops.length === 1 ? "stop" : "stops"} in ${scope} ${period}`;
  io.stdout.write(
    `${[heading, ...rows.map((row) => rowReport(row).join("\n"))].join("\n\n")}${actionReport}\n`,
  );
  return 0;
}
