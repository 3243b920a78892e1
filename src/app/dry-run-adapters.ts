/**
 * The printing adapters `replay --dry-run` swaps in (app/dry-run.ts): channels that print what they would send,
 * and review and rollback with no AWS call at all. What a decision needs that
 * only AWS knows (tags, circuit breaker, deployment history) is reported as "would load service X to
 * decide"; what the replayed events themselves show (which revision each deployment's tasks ran) is used to
 * say where a rollback would go.
 */

import type { ReviewLoader } from "../shared/deployments/review-loader.js";
import { arnName, parseServiceArn, parseTaskDefinitionArn } from "../shared/events/arns.js";
import type { RollbackRunner } from "../shared/flows/rollback-runner.js";
import { serviceArnOf, type TaskHook } from "../shared/flows/task-stopped.js";
import { renderFor } from "../shared/notify/channel-render.js";
import type { EmailMessage, SlackPayload } from "../shared/notify/message.js";
import type { PagerDutyChannel } from "../shared/notify/pagerduty/channel.js";
import type { ChatbotNotification } from "../shared/notify/render/chatbot.js";
import { renderEmail, renderSlack } from "../shared/notify/render/index.js";
import type { TeamsPayload } from "../shared/notify/render/teams-card.js";
import type { EmailPort, SlackPort } from "../shared/notify/transports/ports.js";
import { AUTO_ROLLBACK_TAG } from "../shared/rollback/types.js";

export type Print = (line: string) => void;

/**
 * Channels that print what they would send; the lines wait in `takePending` until the replay report shows them
 * with the message's outcome. `payloads`: the full Slack JSON (indented) and the full email body.
 */
export function printingChannels(payloads: boolean): {
  channels: {
    slack: SlackPort;
    email: EmailPort;
    pagerduty: PagerDutyChannel;
    teams: (payload: TeamsPayload) => Promise<void>;
    chatbot: (notification: ChatbotNotification) => Promise<void>;
  };
  takePending: () => string[];
  /** Adds a line to what the report shows next (the Slack app mode printer writes through it). */
  push: (line: string) => void;
} {
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
  const json = (value: unknown) =>
    payloads ? `${indent(JSON.stringify(value, null, 2))}\n` : `      ${JSON.stringify(value)}\n`;
  const pagerduty: PagerDutyChannel = {
    async trigger(message, problemKey) {
      const event = renderFor("pagerduty", message, { render: RENDER, problem: { key: problemKey } });
      pending.push(`  → pagerduty: would trigger the incident of ${problemKey}\n`);
      pending.push(json(event));
    },
    async resolve(problemKey) {
      pending.push(`  → pagerduty: would resolve the incident of ${problemKey} (if open)\n`);
    },
  };
  const teams = async (payload: TeamsPayload) => {
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    pending.push(`  → teams: would post an Adaptive Card (${bytes} bytes)\n`);
    pending.push(json(payload));
  };
  const chatbot = async (notification: ChatbotNotification) => {
    pending.push(
      `  → chatbot: would publish a custom notification "${notification.content.title}"${
        notification.metadata?.threadId ? ` (thread ${notification.metadata.threadId})` : ""
      }\n`,
    );
    pending.push(json(notification));
  };
  const takePending = () => {
    const lines = pending;
    pending = [];
    return lines;
  };
  return {
    channels: { slack, email, pagerduty, teams, chatbot },
    takePending,
    push: (line) => pending.push(line),
  };
}

const RENDER = { slack: renderSlack, email: renderEmail };

interface Sighting {
  deploymentId: string;
  taskDefinition: string;
  at: number;
}

/** Which revision each deployment's tasks ran, per service, as the replayed task events show it. */
export interface DeploymentSightings {
  /** A hook that only watches: records `startedBy` + task definition of every task event it sees. */
  observe: TaskHook;
  revisionOf(serviceArn: string, deploymentId: string): string | undefined;
  /** The newest revision seen from another deployment that ran a different task definition. */
  previousRevision(serviceArn: string, deploymentId: string): string | undefined;
}

export function deploymentSightings(): DeploymentSightings {
  const byService = new Map<string, Sighting[]>();
  const sightingsOf = (serviceArn: string) => byService.get(serviceArn) ?? [];
  const revisionOf = (serviceArn: string, deploymentId: string) =>
    sightingsOf(serviceArn).find((s) => s.deploymentId === deploymentId)?.taskDefinition;
  return {
    observe: async (event) => {
      const task = event.detail;
      const serviceArn = serviceArnOf(task);
      if (!serviceArn || !task.startedBy?.startsWith("ecs-svc/") || !task.taskDefinitionArn) return undefined;
      const list = sightingsOf(serviceArn);
      const at = Date.parse(event.time ?? "") || 0;
      if (!list.some((s) => s.deploymentId === task.startedBy)) {
        list.push({ deploymentId: task.startedBy, taskDefinition: task.taskDefinitionArn, at });
      }
      byService.set(serviceArn, list);
      return undefined;
    },
    revisionOf,
    previousRevision(serviceArn, deploymentId) {
      const current = revisionOf(serviceArn, deploymentId);
      return sightingsOf(serviceArn)
        .filter((s) => s.deploymentId !== deploymentId && s.taskDefinition !== current)
        .sort((a, b) => b.at - a.at)[0]?.taskDefinition;
    },
  };
}

function label(taskDefinition: string): string {
  const td = parseTaskDefinitionArn(taskDefinition);
  if (!td) return taskDefinition;
  return td.revision === undefined ? td.family : `${td.family}:${td.revision}`;
}

const serviceName = (serviceArn: string) =>
  parseServiceArn(serviceArn)?.service ?? arnName(serviceArn) ?? serviceArn;

const ROLLBACK_READS =
  "DescribeServices with tags, ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions";

export function dryRunReviewLoader(sightings: DeploymentSightings, print: Print): ReviewLoader {
  return async (serviceArn, deploymentId) => {
    const known = deploymentId ? sightings.revisionOf(serviceArn, deploymentId) : undefined;
    const revision = known ? ` (${label(known)} per the task events)` : "";
    print(
      `  → review: dry run: would load service ${serviceName(serviceArn)} (DescribeServices with tags) and the task definition of deployment ${deploymentId ?? "(unknown)"}${revision} (DescribeTaskDefinition) to review it\n`,
    );
    return undefined;
  };
}

export function dryRunRollbackRunner(sightings: DeploymentSightings, print: Print): RollbackRunner {
  const reported = new Set<string>();
  return async ({ trigger, serviceArn }) => {
    const service = serviceName(serviceArn);
    const what =
      trigger.kind === "crash-loop"
        ? `${trigger.failures.length} failed tasks of deployment ${trigger.deploymentId} (crash loop)`
        : `deployment ${trigger.deploymentId} failed`;
    const current = sightings.revisionOf(serviceArn, trigger.deploymentId);
    const previous = sightings.previousRevision(serviceArn, trigger.deploymentId);
    const fromEvents = previous
      ? `from the events: it deploys ${current ? label(current) : "a new revision"} and ${label(previous)} ran before, so it would roll back service ${service} to task definition ${label(previous)}`
      : `the events show no earlier revision of service ${service} to return to`;
    const conditions =
      trigger.kind === "deployment-failed"
        ? `unless the circuit breaker's rollback is on (then ECS rolls back by itself), and only if the service is opted in (tag ${AUTO_ROLLBACK_TAG}=true or AUTO_ROLLBACK_SERVICES)`
        : `if the service is opted in (tag ${AUTO_ROLLBACK_TAG}=true or AUTO_ROLLBACK_SERVICES) and the deployment is in progress or just completed`;
    const key = `${trigger.kind}#${trigger.deploymentId}`;
    if (!reported.has(key)) {
      reported.add(key);
      print(
        `  → rollback: dry run: ${what}: would load service ${service} (${ROLLBACK_READS}) to decide; ${fromEvents}, ${conditions}. Nothing is changed.\n`,
      );
    }
    return {
      summary: previous
        ? `rollback: dry run: would load service ${service} to decide; would roll back to ${label(previous)}`
        : `rollback: dry run: would load service ${service} to decide`,
    };
  };
}
