/**
 * Issue 16's check, end to end through the Lambdas' composition (state table on moto; ECS through
 * aws-sdk-client-mock shaped like the API reference): a failed deployment that ecs-sentinel rolls back and that
 * then recovers, a crash-loop flood of another service, and an expected scale-in, delivered to a PagerDuty Events
 * API v2 stand-in that validates events as PagerDuty documents them (and throttles once) and a Teams Workflows
 * stand-in that validates every Adaptive Card. Triggers, resolves and their keys are counted, and cards.
 */
import { ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { loadConfig } from "../../src/app/config.js";
import { flowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { ecsWorld, ROLLBACK_ID } from "../scenarios/support/ecs-world.js";
import { deploymentEvent, stoppedTask } from "../scenarios/support/events.js";
import { createStateTable } from "../state/support/state-table.js";
import {
  type PagerDutyStandin,
  STANDIN_ROUTING_KEY,
  startPagerDutyStandin,
} from "../support/pagerduty-standin.js";
import { startTeamsStandin, type TeamsStandin } from "../support/teams-standin.js";
import { readPublishedSnsMessages } from "./support/index.js";

const ecsMock = mockClient(ECSClient);
// sd-example opted in to automatic rollback; its new deployment fails with the circuit breaker off.
const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "tasks failed to start" });
ecsMock.on(ListTagsForResourceCommand).resolves({ tags: [] });
const log = recordingLogger();
let pagerduty: PagerDutyStandin;
let teams: TeamsStandin;
let notifications: ReturnType<typeof buildNotifications>;
let deps: ReturnType<typeof flowDeps>;
let chatbotTopic = "";

/** A stop of the `worker` service's task (exit code 1), adapted from examples/events/03-api-crash-1.json. */
function workerCrash(n: number, time: string) {
  const event = stoppedTask({ taskId: `worker${String(n).padStart(4, "0")}`, time, startedBy: "ecs-svc/77" });
  const detail = event.detail as Record<string, unknown>;
  return { ...event, detail: { ...detail, group: "service:worker" } };
}

const at = (minute: number, second = 0) =>
  `2024-09-10T17:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")}Z`;

beforeAll(async () => {
  const table = "oncall-channels-story";
  await createStateTable(dynamoClient(), table);
  pagerduty = await startPagerDutyStandin();
  teams = await startTeamsStandin();
  chatbotTopic =
    (await snsClient().send(new CreateTopicCommand({ Name: "oncall-channels-story-chatbot" }))).TopicArn ??
    "";
  const config = loadConfig({
    CHATBOT_TOPIC_ARN: chatbotTopic,
    PAGERDUTY_ROUTING_KEY: STANDIN_ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: pagerduty.url,
    TEAMS_WEBHOOK_URL: teams.url,
    STATE_TABLE: table,
    AWS_REGION: process.env.AWS_REGION,
  });
  const options = { log, deadline: () => 60_000 };
  notifications = buildNotifications(config, options);
  deps = flowDeps(config, options, notifications);
  pagerduty.throttleNext(1);

  // The deployment fails; ecs-sentinel rolls it back (ecs-svc/3), which completes.
  await dispatchEvent(deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: at(0) }), deps);
  await dispatchEvent(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: at(5) }), deps);
  // A crash-loop flood of another service: 30 stops in three minutes.
  for (let n = 0; n < 30; n++)
    await dispatchEvent(workerCrash(n, at(6 + Math.floor(n / 10), (n % 10) * 6)), deps);
  // An expected scale-in of a third task.
  await dispatchEvent(stoppedTask({ taskId: "scalein01", time: at(9), kind: "scaling" }), deps);
  await dispatchEvent(
    deploymentEvent("SERVICE_DEPLOYMENT_COMPLETED", {
      time: at(12),
      deploymentId: ROLLBACK_ID,
      reason: `ECS deployment ${ROLLBACK_ID} completed.`,
    }),
    deps,
  );
  // The watchdog's sweep, once the flood window (10 minutes) has been quiet.
  await notifications.sweepDigests(Date.now());
}, 120_000);

afterAll(async () => {
  await pagerduty?.close();
  await teams?.close();
});

describe("PagerDuty, Teams and the flood, end to end", () => {
  it("opens one incident per problem and resolves each when it is over", () => {
    const incidents = pagerduty.incidents();
    const summary = Object.fromEntries(
      [...incidents.entries()].map(([key, incident]) => [
        key,
        [incident.status, incident.triggers, incident.resolves],
      ]),
    );
    const deploymentKey = [...incidents.keys()].find((key) => key.startsWith("ecs-sentinel:deployment:"));
    const floodKey = [...incidents.keys()].find((key) => key.includes("service:worker"));

    expect(world.mutations().map((m) => m.api)).toEqual(["UpdateService"]);
    expect(deploymentKey).toBe("ecs-sentinel:deployment:123456789012:us-west-2:example/sd-example");
    expect(summary[deploymentKey ?? ""]?.[0]).toBe("resolved");
    expect(summary[deploymentKey ?? ""]?.[2]).toBe(1);
    // The flood is one incident: one trigger for 30 stops, resolved by the sweep once quiet.
    expect(summary[floodKey ?? ""]).toEqual(["resolved", 1, 1]);
    // Nothing pages for the scale-in, and every problem that was opened was closed.
    expect(JSON.stringify(summary)).not.toContain("scalein");
    // Exactly two problems: the deployment (its failure and the rollback decision are two alerts of one
    // incident, resolved by the rollback's completion) and the flood.
    expect(summary).toEqual({
      "ecs-sentinel:deployment:123456789012:us-west-2:example/sd-example": ["resolved", 2, 1],
      "ecs-sentinel:flood:example#service:worker#app-exit": ["resolved", 1, 1],
    });
    expect(pagerduty.rejected).toEqual([]);
    expect(pagerduty.answers.filter((status) => status === 429)).toHaveLength(1);
    // For the note: what PagerDuty received.
    console.info("pagerduty incidents", JSON.stringify(summary));
  });

  it("posts valid Adaptive Cards for what people must see: the flood once and its digest, never the scale-in", () => {
    const titles = teams.cards.map((card) => JSON.stringify(card));

    expect(teams.rejected).toEqual([]);
    // The flood: its first stop, then one digest of the rest at the window's end.
    const worker = titles.filter((t) => t.includes("worker"));
    expect(worker).toHaveLength(2);
    expect(worker[1]).toMatch(/29 more/);
    expect(titles.some((t) => t.includes("scalein01"))).toBe(false);
    console.info("teams cards", teams.cards.length);
  });

  it("publishes Amazon Q Developer custom notifications, threaded per deployment and per incident", async () => {
    const published = await readPublishedSnsMessages(chatbotTopic);
    const notifications = published.map(
      (m) =>
        JSON.parse(m.message) as {
          version: string;
          source: string;
          content: { title: string };
          metadata?: { threadId?: string };
        },
    );

    expect(notifications.length).toBe(teams.cards.length);
    expect(notifications.every((n) => n.version === "1.0" && n.source === "custom")).toBe(true);
    const threads = new Set(notifications.map((n) => n.metadata?.threadId));
    const worker = notifications.filter((n) => n.content.title.includes("worker"));
    expect(new Set(worker.map((n) => n.metadata?.threadId)).size).toBe(1);
    expect(threads.size).toBeGreaterThanOrEqual(2);
    console.info("chatbot notifications", notifications.length, "threads", threads.size);
  });
});
