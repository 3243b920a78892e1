/**
 * The notification service as the unit tests build it, with all five channels as in-memory fakes: Slack (webhook),
 * email, PagerDuty (records triggers and resolves by problem key), Teams and Amazon Q Developer (record payloads).
 * Each fake can be told to fail its next calls; the clock is injected.
 */
import type { EmailMessage, Message, SlackPayload } from "../../../src/shared/notify/message.js";
import {
  buildNotificationService,
  type NotificationServiceDeps,
} from "../../../src/shared/notify/notifier.js";
import type { PagerDutyChannel } from "../../../src/shared/notify/pagerduty/channel.js";
import { memoryProblemStore } from "../../../src/shared/notify/problems/memory-store.js";
import type { ChatbotNotification } from "../../../src/shared/notify/render/chatbot.js";
import type { TeamsPayload } from "../../../src/shared/notify/render/teams-card.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import { recordingLogger } from "./recording-logger.js";

export const T0 = Date.parse("2024-05-01T10:00:00Z");
export const MINUTE = 60_000;
export const WINDOW = 10 * MINUTE;
export const SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";
export const THROTTLE_KEY = "prod#service:api#out-of-memory";

export function stopMessage(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container `web` ran out of memory",
    cause: "The container exceeded its memory limit.",
    evidence: [],
    remediation: ["Raise the memory of container web."],
    facts: [{ label: "Cluster", value: "prod" }],
    links: [],
    service: "api",
    cluster: "prod",
    ...overrides,
  };
}

export function deploymentMessage(overrides: Partial<Message> = {}): Message {
  return stopMessage({
    kind: "deployment",
    category: "SERVICE_DEPLOYMENT_FAILED",
    title: "api: deployment ecs-svc/1 failed",
    cause: "The deployment failed: tasks failed to start.",
    ...overrides,
  });
}

/** The meta of the n-th stop of the api's out-of-memory flood, `at` ms into the run. */
export function stopMeta(n: number, at = T0) {
  return {
    dedupeKey: `arn:aws:ecs:us-east-1:123456789012:task/prod/task${n}`,
    throttleKey: THROTTLE_KEY,
    serviceArn: SERVICE_ARN,
    occurredAt: at,
  };
}

export function oncallHarness(extra: Partial<NotificationServiceDeps> = {}) {
  let now = T0;
  const failNext = { slack: 0, email: 0, pagerduty: 0, teams: 0, chatbot: 0 };
  const failing = (channel: keyof typeof failNext) => {
    if (failNext[channel] <= 0) return;
    failNext[channel]--;
    throw new Error(`${channel} answered HTTP 503`);
  };
  const sent = {
    slack: [] as SlackPayload[],
    email: [] as EmailMessage[],
    teams: [] as TeamsPayload[],
    chatbot: [] as ChatbotNotification[],
    triggers: [] as { problemKey: string; title: string }[],
    resolves: [] as string[],
  };
  const pagerduty: PagerDutyChannel = {
    async trigger(message, problemKey) {
      failing("pagerduty");
      sent.triggers.push({ problemKey, title: message.title });
    },
    async resolve(problemKey) {
      failing("pagerduty");
      sent.resolves.push(problemKey);
    },
  };
  const store = memoryStore();
  const problems = memoryProblemStore();
  const logger = recordingLogger();
  const service = buildNotificationService({
    channels: {
      slack: async (payload) => {
        failing("slack");
        sent.slack.push(payload);
      },
      email: async (mail) => {
        failing("email");
        sent.email.push(mail);
      },
      pagerduty,
      teams: async (payload) => {
        failing("teams");
        sent.teams.push(payload);
      },
      chatbot: async (notification) => {
        failing("chatbot");
        sent.chatbot.push(notification);
      },
    },
    render: {
      slack: (m) => ({ text: m.title, blocks: [] }),
      email: (m) => ({ subject: m.title, body: m.cause, attributes: { severity: m.severity } }),
    },
    store,
    problems,
    clock: () => now,
    logger,
    throttleWindowMs: WINDOW,
    ...extra,
  });
  return {
    service,
    sent,
    failNext,
    store,
    problems,
    logger,
    setNow: (at: number) => {
      now = at;
    },
  };
}
