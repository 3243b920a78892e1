/**
 * SNS adapter for Amazon Q Developer in chat applications (formerly AWS Chatbot): the custom notification's
 * JSON is the SNS message body, on a topic the chat configuration subscribes to. Neither a Subject nor message
 * attributes play a part in how a custom notification is shown, so none are sent.
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (a message is at most 256 KB)
 *
 * The SDK already retries throttling and transient errors (client `maxAttempts`); what still fails is wrapped
 * in ChatbotDeliveryError, as the email adapter does.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { ChatbotNotification } from "../render/chatbot.js";
import { ChatbotDeliveryError } from "./errors.js";
import { type LoggerPort, silentLogger } from "./ports.js";

export type ChatbotPort = (notification: ChatbotNotification) => Promise<void>;

export interface ChatbotNotifierOptions {
  logger?: LoggerPort;
}

/** SNS's limit for a whole message, in bytes of UTF-8. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

export function buildChatbotNotifier(
  client: SNSClient,
  topicArn: string,
  options: ChatbotNotifierOptions = {},
): ChatbotPort {
  const logger = options.logger ?? silentLogger;
  return async (notification) => {
    const body = JSON.stringify(notification);
    const bytes = Buffer.byteLength(body, "utf8");
    // The renderer caps every field far below this; reaching it means a renderer bug, not a reason to publish.
    if (bytes > SNS_MAX_MESSAGE_BYTES) {
      logger.warn("Amazon Q Developer notification too large for SNS", { bytes });
      throw new ChatbotDeliveryError("MessageTooLarge", `${bytes} bytes, SNS takes ${SNS_MAX_MESSAGE_BYTES}`);
    }
    try {
      await client.send(new PublishCommand({ TopicArn: topicArn, Message: body }));
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      const detail = error instanceof Error ? error.message : String(error);
      logger.warn("SNS publish of Amazon Q Developer notification failed", { awsError: name, detail });
      throw new ChatbotDeliveryError(name, detail);
    }
  };
}
