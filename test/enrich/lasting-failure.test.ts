import { AccessDeniedException, ClientException, ServerException } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { isLastingFailure } from "../../src/shared/enrich/lasting-failure.js";

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe("isLastingFailure", () => {
  it("remembers what asking again will not fix: access denied and not found", () => {
    expect(isLastingFailure(new AccessDeniedException({ message: "denied", $metadata: {} }))).toBe(true);
    expect(
      isLastingFailure(
        new ClientException({ message: "Unable to describe task definition.", $metadata: {} }),
      ),
    ).toBe(true);
  });

  it("never remembers throttling, 5xx or network trouble", () => {
    expect(isLastingFailure(named("ThrottlingException"))).toBe(false);
    expect(
      isLastingFailure(new ServerException({ message: "oops", $metadata: { httpStatusCode: 500 } })),
    ).toBe(false);
    expect(isLastingFailure(named("Error", { $metadata: { httpStatusCode: 503 } }))).toBe(false);
    expect(isLastingFailure(named("Error", { code: "ECONNRESET" }))).toBe(false);
  });

  it("never remembers a call that was abandoned rather than answered", () => {
    expect(isLastingFailure(named("AbortError"))).toBe(false);
    expect(isLastingFailure(named("EnrichmentTimeoutError"))).toBe(false);
  });
});
