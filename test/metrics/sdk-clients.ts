/**
 * A real DynamoDB client over a scripted HTTP handler: it answers as DynamoDB would (500 InternalServerError,
 * 400 ValidationException, 200), and the SDK's standard retry strategy retries without waiting (zero backoff).
 */
import { Readable } from "node:stream";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";

export interface Answer {
  status: number;
  body: object;
}

export const ok = (body: object = { TableNames: [] }): Answer => ({ status: 200, body });
export const serverError: Answer = {
  status: 500,
  body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "try again" },
};
export const validation: Answer = {
  status: 400,
  body: { __type: "com.amazon.coral.validate#ValidationException", message: "bad input" },
};

/** A DynamoDB client whose HTTP handler answers `answers` in turn; `sent` counts the HTTP attempts. */
export function dynamoAnswering(answers: Answer[], maxAttempts = 4) {
  let sent = 0;
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://dynamodb.test.invalid",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 0),
    requestHandler: {
      handle: async () => {
        const answer = answers[Math.min(sent, answers.length - 1)] ?? ok();
        sent++;
        return {
          response: {
            statusCode: answer.status,
            headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `req-${sent}` },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        };
      },
    },
  });
  return { client, sent: () => sent };
}
