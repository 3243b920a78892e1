/**
 * The deployment side wired as deploymentDeps wires it for the Lambdas (real flows, runner, hook, policy,
 * ECS adapter, notification pipeline with renderers), with a mocked ECS client, in-memory or emulator
 * state stores, fake channels that keep what they received, and a clock that follows the dispatched events.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { loadConfig } from "../../../src/app/config.js";
import { deploymentDeps } from "../../../src/app/deployments.js";
import { type DispatchResult, dispatchEvent, type FlowDeps } from "../../../src/shared/flows/dispatch.js";
import type { Log } from "../../../src/shared/log.js";
import { asNotifier } from "../../../src/shared/notify/as-notifier.js";
import type { EmailMessage, Message, SlackPayload } from "../../../src/shared/notify/message.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import type { ChannelOutcome, Notifier, NotifyMeta } from "../../../src/shared/notify/port.js";
import { renderEmail, renderSlack } from "../../../src/shared/notify/render/index.js";
import { memoryStore, type NotificationStore } from "../../../src/shared/notify/store/index.js";
import { type CrashLoopStore, memoryCrashLoopStore } from "../../../src/shared/rollback/crash-loop-store.js";
import { memoryRollbackStore } from "../../../src/shared/rollback/memory-rollback-store.js";
import type { RollbackStore } from "../../../src/shared/rollback/rollback-store.js";

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: object[]) => {
      lines.push({ level, message, fields: Object.assign({}, ...extra) as Record<string, unknown> });
    };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export interface Notified {
  message: Message;
  meta: NotifyMeta;
  outcomes: ChannelOutcome[];
}

export interface HarnessOptions {
  env?: Record<string, string>;
  rollbackStore?: RollbackStore;
  crashLoopStore?: CrashLoopStore;
  notificationStore?: NotificationStore;
}

export interface Harness {
  deps: FlowDeps;
  log: ReturnType<typeof recordingLog>;
  /** Every notify call, with what the pipeline did. */
  notified: Notified[];
  /** Messages that reached at least one channel. */
  delivered(): Message[];
  slack: SlackPayload[];
  email: EmailMessage[];
  rollbackStore: RollbackStore;
  dispatch(raw: Record<string, unknown>): Promise<DispatchResult>;
}

export function scenarioHarness(options: HarnessOptions = {}): Harness {
  const config = loadConfig({ AWS_REGION: "us-west-2", ...options.env });
  const log = recordingLog();
  const slack: SlackPayload[] = [];
  const email: EmailMessage[] = [];
  let now = 0;
  const service = buildNotificationService({
    channels: {
      slack: async (payload) => {
        slack.push(payload);
      },
      email: async (message) => {
        email.push(message);
      },
    },
    render: { slack: renderSlack, email: renderEmail },
    store: options.notificationStore ?? memoryStore(),
    routing: { slackMinSeverity: "info", emailMinSeverity: "critical" },
    clock: () => now,
  });
  const notifier = asNotifier(service);
  const notified: Notified[] = [];
  const notify: Notifier = async (message, meta) => {
    const outcomes = await notifier(message, meta);
    notified.push({ message, meta, outcomes });
    return outcomes;
  };
  const memoryRollback = memoryRollbackStore();
  const rollbackStore = options.rollbackStore ?? memoryRollback;
  const crashLoopStore = options.crashLoopStore ?? memoryCrashLoopStore();
  const ecs = new ECSClient({
    region: "us-west-2",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const deployments = deploymentDeps(config, {
    log,
    notify,
    adapters: { ecs, rollbackStore, crashLoopStore },
  });
  const deps: FlowDeps = {
    notify,
    log,
    hooks: deployments.hooks,
    deploymentEvent: deployments.deploymentEvent,
  };
  return {
    deps,
    log,
    notified,
    delivered: () =>
      notified.filter((n) => n.outcomes.some((o) => o.status === "sent")).map((n) => n.message),
    slack,
    email,
    rollbackStore,
    dispatch: (raw) => {
      now = Date.parse(String(raw.time));
      return dispatchEvent(raw, deps);
    },
  };
}

/** The structured "rollback decision" log lines. */
export function decisions(log: ReturnType<typeof recordingLog>): Record<string, unknown>[] {
  return log.lines.filter((l) => l.message === "rollback decision").map((l) => l.fields);
}
