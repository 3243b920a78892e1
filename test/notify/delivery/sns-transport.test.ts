import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { EmailDeliveryError } from "../../../src/shared/notify/transports/errors.js";
import { buildSnsNotifier, toSnsSubject } from "../../../src/shared/notify/transports/sns.js";

const topicArn = "arn:aws:sns:us-east-1:123456789012:ecs-sentinel";
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

describe("SNS email transport", () => {
  it("publishes subject, body and string message attributes to the topic", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const send = buildSnsNotifier(new SNSClient({}), topicArn);

    await send({
      subject: "[critical] api: out of memory",
      body: "Details...",
      attributes: { severity: "critical" },
    });

    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: topicArn,
      Subject: "[critical] api: out of memory",
      Message: "Details...",
      MessageAttributes: { severity: { DataType: "String", StringValue: "critical" } },
    });
  });

  it("drops empty attribute values, which SNS would reject", async () => {
    sns.on(PublishCommand).resolves({});
    const send = buildSnsNotifier(new SNSClient({}), topicArn);

    await send({ subject: "s", body: "b", attributes: { service: "", category: "iam" } });

    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes).toEqual({
      category: { DataType: "String", StringValue: "iam" },
    });
  });

  it("wraps a failure in EmailDeliveryError naming the AWS error", async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error("Topic does not exist"), { name: "NotFoundException" }));
    const send = buildSnsNotifier(new SNSClient({}), topicArn);

    await expect(send({ subject: "s", body: "b", attributes: {} })).rejects.toMatchObject({
      name: "EmailDeliveryError",
      awsError: "NotFoundException",
    });
    await expect(send({ subject: "s", body: "b", attributes: {} })).rejects.toBeInstanceOf(
      EmailDeliveryError,
    );
  });
});

describe("toSnsSubject", () => {
  it("removes line breaks and non-ASCII characters", () => {
    expect(toSnsSubject("api:\nOOM – café ✅")).toBe("api: OOM ? cafe ?");
  });

  it("keeps subjects under 100 characters", () => {
    expect(toSnsSubject("x".repeat(300)).length).toBeLessThan(100);
  });

  it("prefixes a subject that does not start with a letter, digit or punctuation", () => {
    expect(toSnsSubject("+3 more stopped tasks")).toBe("ECS +3 more stopped tasks");
  });

  it("uses a default subject when nothing printable is left", () => {
    expect(toSnsSubject(" \n ")).toBe("ecs-sentinel notification");
  });
});
