/**
 * SNS adapter for email subscribers. The SDK already retries throttling and transient errors
 * (client `maxAttempts`); what still fails is wrapped in EmailDeliveryError.
 */
import { type MessageAttributeValue, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { EmailDeliveryError } from "./errors.js";
import { type EmailPort, type LoggerPort, silentLogger } from "./ports.js";

export interface SnsNotifierOptions {
  logger?: LoggerPort;
}

/** SNS email subjects: ASCII, no line breaks or control characters, under 100 characters. */
export function toSnsSubject(subject: string): string {
  const ascii = subject
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\r\n\t]+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .trim();
  const fitted = ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
  if (fitted === "") return "ecs-sentinel notification";
  return /^[A-Za-z0-9\p{P}]/u.test(fitted) ? fitted : `ECS ${fitted}`.slice(0, 99);
}

/** SNS rejects empty attribute values, and names must be unique and at most 256 characters. */
function toAttributes(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value === "" || name === "" || name.length > 256) continue;
    result[name] = { DataType: "String", StringValue: value };
  }
  return result;
}

export function buildSnsNotifier(
  client: SNSClient,
  topicArn: string,
  options: SnsNotifierOptions = {},
): EmailPort {
  const logger = options.logger ?? silentLogger;
  return async (email) => {
    try {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: toSnsSubject(email.subject),
          Message: email.body,
          MessageAttributes: toAttributes(email.attributes),
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      const detail = error instanceof Error ? error.message : String(error);
      logger.warn("SNS publish failed", { awsError: name, detail });
      throw new EmailDeliveryError(name, detail);
    }
  };
}
