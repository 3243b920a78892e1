import { emulatorEndpoint } from "./endpoint.js";
import { fetchPublishedSnsMessages, type PublishedSnsMessage } from "./moto-api.js";

/** Messages published to SNS in this test file (the emulator is reset before each file), oldest first per topic. */
export async function readPublishedSnsMessages(topicArn?: string): Promise<PublishedSnsMessage[]> {
  const messages = await fetchPublishedSnsMessages(emulatorEndpoint());
  return topicArn === undefined ? messages : messages.filter((message) => message.topicArn === topicArn);
}
