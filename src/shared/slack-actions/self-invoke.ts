/**
 * The deployed `defer`: the claim is handed to this same function as an asynchronous invocation (`Event`), so
 * the Function URL can answer Slack at once and the action runs in its own invocation (with Lambda's own
 * retries for async events). The event carries the claim id only: the execution reads what the claim recorded.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { ClaimRef, DeferAction } from "./types.js";

export const EXECUTE_EVENT_KIND = "execute-slack-action";

/** The asynchronous self-invocation's event: no `requestContext.http`, so never mistaken for a request. */
export interface ExecuteSlackActionEvent {
  kind: typeof EXECUTE_EVENT_KIND;
  claimId: string;
}

/** Lambda did not accept the asynchronous invocation. */
export class SelfInvokeError extends Error {
  override readonly name = "SelfInvokeError";
}

const CLAIM_ID = /^[A-Za-z0-9._:#-]{1,200}$/;

/** The claim of an execute event, or undefined for anything else. */
export function executeEventClaim(event: unknown): ClaimRef | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const { kind, claimId } = event as Record<string, unknown>;
  if (kind !== EXECUTE_EVENT_KIND || typeof claimId !== "string" || !CLAIM_ID.test(claimId)) return undefined;
  return { claimId };
}

/** Defers a claim by invoking `functionName` asynchronously (InvocationType Event; Lambda answers 202). */
export function selfInvokeDefer(
  client: () => LambdaClient | Promise<LambdaClient>,
  functionName: string,
): DeferAction {
  return async (claim) => {
    const [{ InvokeCommand }, lambda] = await Promise.all([import("../sdk-commands/lambda.js"), client()]);
    const event: ExecuteSlackActionEvent = { kind: EXECUTE_EVENT_KIND, claimId: claim.claimId };
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    if (result.StatusCode !== 202) {
      throw new SelfInvokeError(
        `Lambda answered ${result.StatusCode ?? "nothing"} to the asynchronous invocation`,
      );
    }
  };
}
