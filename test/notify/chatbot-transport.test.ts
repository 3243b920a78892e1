import { PublishCommand, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../../src/shared/notify/message.js";
import { type ChatbotNotification, chatbotNotification } from "../../src/shared/notify/render/chatbot.js";
import { buildChatbotNotifier } from "../../src/shared/notify/transports/chatbot.js";
import { ChatbotDeliveryError } from "../../src/shared/notify/transports/errors.js";

const topicArn = "arn:aws:sns:us-east-1:123456789012:ecs-sentinel-chatbot";
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const message: Message = {
  kind: "deployment",
  severity: "warning",
  category: "deployment-failed",
  title: "api: deployment failed, rolling back",
  cause: "The circuit breaker stopped the deployment after 3 failed tasks.",
  evidence: [],
  remediation: ["Read the stopped tasks' reasons."],
  facts: [{ label: "Service", value: "api" }],
  links: [],
  cluster: "prod",
  service: "api",
};
const notification = chatbotNotification(message, { threadId: "deployment#svc#1", id: "evt-1" });

/** An SNS error as the SDK raises it: the exception's name is the error code of the Publish API reference. */
function snsError(name: string, text: string): SNSServiceException {
  return new SNSServiceException({
    name,
    message: text,
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
}

function logger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

describe("Amazon Q Developer SNS transport", () => {
  it("publishes the notification's JSON as the message body, with no subject or attributes", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "5f1c6b0e-0000-4000-8000-000000000001" });
    const send = buildChatbotNotifier(new SNSClient({}), topicArn);

    await send(notification);

    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toEqual({ TopicArn: topicArn, Message: JSON.stringify(notification) });
    expect(JSON.parse(input?.Message ?? "")).toMatchObject({ version: "1.0", source: "custom" });
  });

  it.each([
    ["AuthorizationErrorException", "User is not authorized to perform: SNS:Publish"],
    ["NotFoundException", "Topic does not exist"],
    ["ThrottlingException", "Rate exceeded"],
  ])("wraps %s in ChatbotDeliveryError naming the AWS error", async (name, text) => {
    sns.on(PublishCommand).rejects(snsError(name, text));
    const log = logger();
    const send = buildChatbotNotifier(new SNSClient({}), topicArn, { logger: log });

    const failure = send(notification);

    await expect(failure).rejects.toBeInstanceOf(ChatbotDeliveryError);
    await expect(failure).rejects.toMatchObject({ name: "ChatbotDeliveryError", awsError: name });
    expect(log.warn).toHaveBeenCalledWith(expect.any(String), { awsError: name, detail: text });
  });

  it("names a non-Error rejection UnknownError", async () => {
    sns.on(PublishCommand).callsFake(() => Promise.reject("socket hang up"));
    const send = buildChatbotNotifier(new SNSClient({}), topicArn);

    await expect(send(notification)).rejects.toMatchObject({ awsError: "UnknownError" });
  });

  it("refuses a body over SNS's 256 KB without publishing it", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const log = logger();
    const send = buildChatbotNotifier(new SNSClient({}), topicArn, { logger: log });
    const oversized: ChatbotNotification = {
      ...notification,
      content: { ...notification.content, description: "x".repeat(262_145) },
    };

    await expect(send(oversized)).rejects.toMatchObject({
      name: "ChatbotDeliveryError",
      awsError: "MessageTooLarge",
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(log.warn).toHaveBeenCalledWith(expect.any(String), { bytes: expect.any(Number) });
  });
});
