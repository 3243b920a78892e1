/**
 * `ecs-sentinel replay [--dry-run] FILE...`: feeds events through the same code path as the Lambda handlers
 * (dispatch by detail-type), in order. With --dry-run nothing is sent or changed: the notification pipeline runs
 * with an in-memory state store and channels that print what they would send, so routing, de-duplication and
 * flood control behave as deployed.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../shared/config.js";
import { type DispatchResult, dispatchEvent, type FlowDeps } from "../shared/flows/dispatch.js";
import { stderrLog } from "../shared/log.js";
import type { EmailMessage, Message, SlackPayload } from "../shared/notify/message.js";
import { buildNotificationService, type NotificationService } from "../shared/notify/notifier.js";
import { renderConsole, renderEmail, renderSlack } from "../shared/notify/render/index.js";
import { memoryStore } from "../shared/state/index.js";
import { buildNotifications, flowDeps } from "../shared/wiring.js";
import { wantsColor } from "./colors.js";
import { describeInputProblem, parseJsonDocuments } from "./inputs.js";
import { type CliIo, UsageError } from "./io.js";

export const REPLAY_HELP = `Usage: ecs-sentinel replay [--dry-run] [--payloads] [--verbose] FILE...

Feeds EventBridge events (ECS Task State Change, ECS Deployment State Change, ECS Service Action) through
the same code path as the Lambda handlers, in the order given. A FILE holds one event, a JSON array of
events, or JSON Lines.

Options:
  --dry-run    send and change nothing: print each message as it would be rendered, which channels would
               get it (routing, de-duplication and flood control run in memory), the Slack Block Kit payload
               and the email subject, and the actions that would be taken
  --payloads   with --dry-run: print the full Slack JSON (indented) and the full email body
  --verbose    log what the pipeline does (stderr)
  -h, --help   show this help

Without --dry-run it uses the configured channels and AWS endpoints (see README: SLACK_WEBHOOK_URL,
NOTIFY_TOPIC_ARN, STATE_TABLE, AWS_ENDPOINT_URL).
Exit status: 0 every event handled; 2 an input could not be read or an event was dropped; 1 a delivery failed.`;

interface LoadedEvent {
  source: string;
  event: unknown;
}

async function loadEvents(
  files: string[],
  io: CliIo,
): Promise<{ events: LoadedEvent[]; problems: string[] }> {
  const events: LoadedEvent[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const docs = parseJsonDocuments(await io.readFile(file));
      const flat = docs.flatMap((doc) => (Array.isArray(doc) ? doc : [doc]));
      flat.forEach((event, i) => {
        events.push({ source: flat.length > 1 ? `${file}[${i}]` : file, event });
      });
    } catch (error) {
      problems.push(`${file}: ${describeInputProblem(error)}`);
    }
  }
  return { events, problems };
}

function eventTime(event: unknown): number | undefined {
  const time = (event as { time?: unknown } | null)?.time;
  const ms = typeof time === "string" ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function summarize(result: DispatchResult): string {
  switch (result.status) {
    case "diagnosed":
      return `${result.diagnosis.category} (${result.diagnosis.severity})`;
    case "handled":
      return result.summary;
    default:
      return `${result.status}: ${result.reason}`;
  }
}

/**
 * Channels that print instead of sending, and a notifier that shows a message once when at least one
 * channel would get it (a throttled or routed-out message is one line, so a replayed flood stays readable).
 */
function dryRunNotifications(
  io: CliIo,
  payloads: boolean,
  clock: () => number,
  log: ReturnType<typeof stderrLog>,
) {
  const color = wantsColor(io.stdout, io.env);
  const indent = (text: string) => text.replace(/^/gm, "      ");
  let pending: string[] = [];
  const slack = async (payload: SlackPayload) => {
    pending.push(`  → slack: would post (Block Kit, ${payload.blocks.length} blocks): ${payload.text}\n`);
    // One line by default: ready to paste into Slack's Block Kit Builder.
    pending.push(
      payloads ? `${indent(JSON.stringify(payload, null, 2))}\n` : `      ${JSON.stringify(payload)}\n`,
    );
  };
  const email = async (message: EmailMessage) => {
    const attributes = Object.entries(message.attributes)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    pending.push(`  → email: would publish "${message.subject}" [${attributes}]\n`);
    pending.push(
      payloads ? `${indent(message.body)}\n` : "      (body: the text above; --payloads prints it as sent)\n",
    );
  };
  const flush = () => {
    for (const line of pending) io.stdout.write(line);
    pending = [];
  };
  const service: NotificationService = buildNotificationService({
    channels: { slack, email },
    render: { slack: renderSlack, email: renderEmail },
    store: memoryStore(),
    routing: loadConfig(io.env),
    logger: log,
    clock,
  });
  // Printing wraps the service (not the flows' Notifier), so every flow flowDeps builds on it prints too.
  const notify: NotificationService["notify"] = async (message: Message, meta) => {
    const outcome = await service.notify(message, meta);
    const notSent = (["slack", "email"] as const).flatMap((channel) => {
      const o = outcome.channels[channel];
      if (!o || o.status === "sent") return [];
      return [`${channel} ${o.status === "skipped" ? o.reason : o.status === "failed" ? o.error : o.status}`];
    });
    if (pending.length > 0) {
      io.stdout.write(`\n${renderConsole(message, { color })}`);
      flush();
      if (notSent.length > 0) io.stdout.write(`  → not sent to: ${notSent.join(", ")}\n`);
    } else {
      io.stdout.write(
        `  ${message.severity} · ${message.title}\n  → not sent: ${notSent.join(", ") || "no channel"}\n`,
      );
    }
    return outcome;
  };
  const sweepDigests = async (now: number) => {
    const sweep = await service.sweepDigests(now);
    if (pending.length > 0)
      io.stdout.write("\n━━ digests of flood windows still open at the end of the replay\n");
    flush();
    return sweep;
  };
  return { service: { notify, sweepDigests } };
}

export async function runReplay(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      payloads: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${REPLAY_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("give at least one event file");
  const dryRun = values["dry-run"];
  const log = stderrLog(values.verbose);
  const { events, problems } = await loadEvents(positionals, io);
  for (const problem of problems) io.stderr.write(`ecs-sentinel: ${problem}\n`);

  const config = loadConfig(io.env);
  let now = Date.now();
  const options = { log, deadline: () => 120_000 };
  const notifications = dryRun
    ? dryRunNotifications(io, values.payloads, () => now, log)
    : { service: buildNotifications(config, options) };
  // A dry run calls no AWS API: review and rollback print what they would load and do.
  const offline = dryRun ? { print: (line: string) => io.stdout.write(line) } : undefined;
  const deps: FlowDeps = {
    ...flowDeps(config, { ...options, offline }, notifications.service),
    ...(dryRun ? { taskDefinitionContext: undefined } : {}),
  };

  let dropped = 0;
  let failed = 0;
  for (const [i, { source, event }] of events.entries()) {
    // Replaying a recorded flood keeps its rhythm: windows follow the events' own times in a dry run.
    if (dryRun) now = eventTime(event) ?? Date.now();
    const detailType = (event as { "detail-type"?: unknown } | null)?.["detail-type"];
    io.stdout.write(`\n━━ [${i + 1}/${events.length}] ${source} · ${String(detailType ?? "?")}\n`);
    try {
      const result = await dispatchEvent(event, deps);
      if (result.status === "dropped") dropped++;
      io.stdout.write(`  = ${summarize(result)}\n`);
    } catch (error) {
      failed++;
      io.stderr.write(`ecs-sentinel: ${source}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  // Windows still open at the end of the replay: show (or send) their digests now.
  const sweep = await notifications.service.sweepDigests(dryRun ? Number.MAX_SAFE_INTEGER : Date.now());
  const digests = sweep.digests.length;
  io.stdout.write(
    `\n${events.length} event(s) replayed${dryRun ? " (dry run: nothing sent or changed)" : ""}; ` +
      `${dropped} dropped, ${failed} failed, ${digests} digest(s) ${dryRun ? "would be sent" : "sent"} at the end.\n`,
  );
  if (failed > 0) return 1;
  return problems.length > 0 || dropped > 0 ? 2 : 0;
}
