import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { snsClient } from "../../src/app/aws-sns.js";
import type { Message } from "../../src/shared/notify/message.js";
import { chatbotNotification } from "../../src/shared/notify/render/chatbot.js";
import { buildChatbotNotifier } from "../../src/shared/notify/transports/chatbot.js";
import { readPublishedSnsMessages } from "./support/index.js";

const message: Message = {
  kind: "task-stopped",
  severity: "critical",
  category: "out-of-memory",
  title: "api: container `web` ran out of memory",
  cause: "Container web used more than its 512 MiB hard memory limit. <!here> é 😀",
  reason: "OutOfMemoryError: Container killed due to memory usage",
  evidence: ["container web: exit code 137"],
  remediation: ["Raise the memory of container web, then deploy."],
  facts: [{ label: "Cluster", value: "prod" }],
  links: [{ label: "Open service", url: "https://console.example.test/ecs/prod/api" }],
  cluster: "prod",
  service: "api",
};

describe("Amazon Q Developer notifications through SNS in the emulator", () => {
  it("publishes the custom notification JSON that reads back unchanged from the topic", async () => {
    const { TopicArn = "" } = await snsClient().send(new CreateTopicCommand({ Name: "chatbot-notify" }));
    const notification = chatbotNotification(message, { threadId: "incident#prod/api/out-of-memory" });

    await buildChatbotNotifier(snsClient(), TopicArn)(notification);

    const published = await readPublishedSnsMessages(TopicArn);
    expect(published).toHaveLength(1);
    expect(published[0]?.subject).toBeUndefined();
    expect(JSON.parse(published[0]?.message ?? "")).toEqual(notification);
  });
});
