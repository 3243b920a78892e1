/**
 * `ecs-sentinel replay [--dry-run] FILE...`: feeds events through the same code path as the Lambda handlers
 * (dispatch by detail-type), in order. With --dry-run nothing is sent or changed: the notification pipeline runs
 * with an in-memory state store and channels that print what they would send, so routing, de-duplication and
 * flood control behave as deployed.
 */
import { loadConfig } from "../app/config.js";
import { dryRunFlowDeps, dryRunNotifications } from "../app/dry-run.js";
import { flowDeps } from "../app/events.js";
import { buildNotifications } from "../app/notifications.js";
import { parseTask } from "../shared/events/index.js";
import { type DispatchResult, dispatchEvent, type FlowDeps } from "../shared/flows/dispatch.js";
import { stderrLog } from "../shared/log.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { fileHint, parseCommandArgs } from "./args.js";
import { wantsColor } from "./colors.js";
import { describeInputProblem, parseJsonDocuments } from "./inputs.js";
import { type CliIo, UsageError } from "./io.js";
import { reportingService } from "./replay-report.js";
import { type NotStopped, notStopped } from "./task-state.js";

export const REPLAY_HELP = `Usage: ecs-sentinel replay [--dry-run] [--payloads] [--all-channels] [--verbose] FILE...

Feeds EventBridge events (ECS Task State Change, ECS Deployment State Change, ECS Service Action, ECS Hook
State Change, ECS Container Instance State Change, ECS Container Instance Health Change) through the same
code path as the Lambda handlers, in the order given. A FILE holds one event, a JSON array of events, or
JSON Lines.

Options:
  --dry-run    send and change nothing: print each message as it would be rendered, which channels would
               get it (routing, de-duplication and flood control run in memory), the Slack Block Kit payload
               and the email subject, and the actions that would be taken
  --payloads   with --dry-run: print the full Slack JSON (indented) and the full email body
  --all-channels
               with --dry-run: also show PagerDuty's event, the Teams Adaptive Card and the Amazon Q Developer
               notification where they are not configured (configured ones always show)
  --verbose    log what the pipeline does (stderr)
  -h, --help   show this help

Without --dry-run it uses the configured channels and AWS endpoints (see README: SLACK_WEBHOOK_URL,
NOTIFY_TOPIC_ARN, STATE_TABLE, AWS_ENDPOINT_URL), and starts only when every FILE could be read. Both ways
it prints, per message, the outcome on each channel: sent ("would post" in a dry run), failed (with the
error), or not sent because duplicate (already delivered), throttled (counted into the flood digest),
muted (ecs-sentinel:mute tag), or routed-out (below the channel's minimum severity, or not in the
service's ecs-sentinel:channels tag); then the actions taken (rollback decisions). A task that has not stopped yet is reported as such, not diagnosed.
Exit status: 0 every event handled; 2 an input could not be read or an event was dropped (a real run then
sends nothing); 1 a delivery or an AWS call failed.`;

const OPTIONS = {
  "dry-run": { type: "boolean", default: false },
  payloads: { type: "boolean", default: false },
  "all-channels": { type: "boolean", default: false },
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

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
      const hint = (error as { code?: unknown } | null)?.code === "ENOENT" ? fileHint(file, OPTIONS) : "";
      problems.push(`${file}: ${describeInputProblem(error)}${hint}`);
    }
  }
  return { events, problems };
}

function eventTime(event: unknown): number | undefined {
  const time = (event as { time?: unknown } | null)?.time;
  const ms = typeof time === "string" ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Why a task event was ignored, in the words `diagnose` uses for a task that has not stopped. */
function ignoredTask(event: unknown): string | undefined {
  const detail = (event as { detail?: unknown } | null)?.detail;
  let state: NotStopped | undefined;
  try {
    state = notStopped(parseTask(detail));
  } catch {
    return undefined;
  }
  if (!state) return undefined;
  const desired = state.desiredStatus ? ` (desired ${state.desiredStatus})` : "";
  const stop = state.stopping && state.stopCode ? `; stopping: ${state.stopCode}` : "";
  return `not stopped (yet): ${state.lastStatus}${desired}: ${state.waitingFor}${stop}; nothing to diagnose`;
}

function summarize(result: DispatchResult, event: unknown): string {
  switch (result.status) {
    case "diagnosed":
      return `${result.diagnosis.category} (${result.diagnosis.severity})`;
    case "handled":
      return result.summary;
    case "ignored":
      return ignoredTask(event) ?? `ignored: ${result.reason}`;
    default:
      return `${result.status}: ${result.reason}`;
  }
}

export async function runReplay(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS,
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
  if (problems.length > 0 && !dryRun) {
    // A mistyped file name must not leave a real replay half done: nothing is sent until every input reads.
    io.stderr.write("ecs-sentinel: nothing replayed (a real replay starts only when every file reads)\n");
    return 2;
  }

  const config = loadConfig(io.env);
  let now = Date.now();
  const options = { log, deadline: () => 120_000 };
  const color = wantsColor(io.stdout, io.env);
  const write = (text: string) => io.stdout.write(text);
  // A dry run is its own wiring (app/dry-run.ts): printing adapters, no AWS call at all.
  const dry = dryRun
    ? { log, print: write, payloads: values.payloads, allChannels: values["all-channels"], clock: () => now }
    : undefined;
  let notifications: NotificationService;
  let deps: FlowDeps;
  if (dry) {
    const printing = dryRunNotifications(config, dry);
    notifications = reportingService(printing.service, { write, color, takePending: printing.takePending });
    deps = dryRunFlowDeps(config, dry, notifications);
  } else {
    notifications = reportingService(buildNotifications(config, options), { write, color });
    deps = flowDeps(config, options, notifications);
  }

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
      io.stdout.write(`  = ${summarize(result, event)}\n`);
    } catch (error) {
      failed++;
      io.stderr.write(`ecs-sentinel: ${source}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  // Windows still open at the end of the replay: show (or send) their digests now.
  const sweep = await notifications.sweepDigests(dryRun ? Number.MAX_SAFE_INTEGER : Date.now());
  const digests = sweep.digests.length;
  io.stdout.write(
    `\n${events.length} event(s) replayed${dryRun ? " (dry run: nothing sent or changed)" : ""}; ` +
      `${dropped} dropped, ${failed} failed, ${digests} digest(s) ${dryRun ? "would be sent" : "sent"} at the end.\n`,
  );
  if (failed > 0) return 1;
  return problems.length > 0 || dropped > 0 ? 2 : 0;
}
