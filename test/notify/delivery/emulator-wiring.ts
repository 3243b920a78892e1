/**
 * Wiring for the emulator tests of notification delivery: the real transports, renderers and DynamoDB
 * store against moto, a real local Slack webhook, and a clock the test moves.
 */

import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { snsClient } from "../../../src/app/aws-sns.js";
import type { Message } from "../../../src/shared/notify/message.js";
import {
  buildNotificationService,
  type NotificationServiceDeps,
} from "../../../src/shared/notify/notifier.js";
import { renderEmail, renderSlack } from "../../../src/shared/notify/render/index.js";
import { dynamoNotificationStore } from "../../../src/shared/notify/store/index.js";
import { buildSlackNotifier } from "../../../src/shared/notify/transports/slack.js";
import { buildSnsNotifier } from "../../../src/shared/notify/transports/sns.js";
import { countingDynamoClient, createStateTable } from "../../state/support/state-table.js";
import type { SlackServer } from "../../support/slack-server.js";

export const T0 = Date.parse("2024-05-01T10:00:00Z");

export async function emulatorNotifier(
  server: SlackServer,
  tableName: string,
  extra: Partial<NotificationServiceDeps> = {},
) {
  const dynamo = countingDynamoClient();
  await createStateTable(dynamo.client, tableName);
  const topic = await snsClient().send(new CreateTopicCommand({ Name: `${tableName}-topic` }));
  const topicArn = topic.TopicArn ?? "";
  let now = T0;
  const service = buildNotificationService({
    channels: {
      // No sleeping between retries: the tests script failures that should fail fast.
      slack: buildSlackNotifier(server.url, fetch, { maxAttempts: 2, sleep: async () => {} }),
      email: buildSnsNotifier(snsClient(), topicArn),
    },
    render: { slack: renderSlack, email: renderEmail },
    store: dynamoNotificationStore(DynamoDBDocumentClient.from(dynamo.client), tableName),
    clock: () => now,
    ...extra,
  });
  return {
    service,
    dynamo,
    topicArn,
    setNow: (ms: number) => {
      now = ms;
    },
  };
}

export function stoppedTask(
  service: string,
  category: string,
  n: number,
  severity: Message["severity"] = "critical",
): Message {
  return {
    kind: "task-stopped",
    severity,
    category,
    title: `${service}: task ${n} stopped (${category})`,
    cause: `Task ${n} of ${service} stopped: ${category}.`,
    evidence: [],
    remediation: [],
    facts: [],
    links: [],
    service,
    cluster: "prod",
    time: new Date(T0).toISOString(),
  };
}
