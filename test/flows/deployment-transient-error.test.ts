/** Which AWS failures the deployment flows retry (rethrow) and which they log. */
import {
  AccessDeniedException,
  ClientException,
  InvalidParameterException,
  ServerException,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { errorSummary, isTransientError } from "../../src/shared/aws-errors.js";
import { ServiceNotFoundError } from "../../src/shared/rollback/ecs-rollback.js";

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe("isTransientError", () => {
  it.each([
    ["ECS throttling", named("ThrottlingException", { $metadata: { httpStatusCode: 400 } })],
    ["DynamoDB throughput", named("ProvisionedThroughputExceededException")],
    ["an ECS server error", new ServerException({ message: "internal", $metadata: { httpStatusCode: 500 } })],
    ["any 5xx answer", named("UnknownError", { $metadata: { httpStatusCode: 503 } })],
    ["a 429 answer", named("UnknownError", { $metadata: { httpStatusCode: 429 } })],
    ["an error the SDK marks retryable", named("Whatever", { $retryable: {} })],
    ["a reset connection", named("Error", { code: "ECONNRESET" })],
    ["an SDK timeout", named("TimeoutError")],
  ])("retries %s", (_, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ["access denied", new AccessDeniedException({ message: "denied", $metadata: { httpStatusCode: 400 } })],
    ["a bad request", new InvalidParameterException({ message: "bad", $metadata: { httpStatusCode: 400 } })],
    ["a client error", new ClientException({ message: "nope", $metadata: { httpStatusCode: 400 } })],
    ["a missing service", new ServiceNotFoundError("arn:aws:ecs:us-west-2:1:service/c/s", "MISSING")],
    ["a programming error", new TypeError("x is undefined")],
    ["a thrown string", "boom"],
  ])("does not retry %s", (_, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});

describe("errorSummary", () => {
  it("names the error class and message, nothing else", () => {
    expect(errorSummary(new AccessDeniedException({ message: "denied", $metadata: {} }))).toBe(
      "AccessDeniedException: denied",
    );
  });
});
