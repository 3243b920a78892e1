/**
 * The payload ECS sends a Lambda lifecycle hook. The Developer Guide documents `executionDetails` with
 * `serviceArn`, `targetServiceRevisionArn`, `testTrafficWeights` and `productionTrafficWeights` (maps of service
 * revision ARN to percent), and, beside it, `executionId`, `lifecycleStage`, `resourceArn` (the service
 * deployment) and `hookDetails`. Its per-stage examples show the execution details alone, so those fields are
 * also accepted at the top level. `hookDetails` is documented as a JSON value (CloudFormation: "a JSON object
 * as a string"): a string holding a JSON object is read too. Unknown fields are kept. Pure.
 */
import * as z from "zod/mini";
import { parseServiceArn } from "../events/arns.js";
import type { JsonObject } from "./types.js";

const weights = z.optional(z.record(z.string(), z.number()));

const details = z.looseObject({
  serviceArn: z.optional(z.string()),
  targetServiceRevisionArn: z.optional(z.string()),
  testTrafficWeights: weights,
  productionTrafficWeights: weights,
});

const payloadSchema = z.looseObject({
  executionId: z.optional(z.string()),
  lifecycleStage: z.optional(z.string()),
  resourceArn: z.optional(z.string()),
  executionDetails: z.optional(details),
  serviceArn: z.optional(z.string()),
  targetServiceRevisionArn: z.optional(z.string()),
  testTrafficWeights: weights,
  productionTrafficWeights: weights,
  hookDetails: z.optional(z.unknown()),
});

export interface HookPayload {
  executionId?: string;
  /** The stage ECS names, or "UNKNOWN" when it names none. */
  lifecycleStage: string;
  /** The service deployment ARN, when given. */
  resourceArn?: string;
  serviceArn: string;
  targetServiceRevisionArn: string;
  testTrafficWeights: Record<string, number>;
  productionTrafficWeights: Record<string, number>;
  hookDetails: JsonObject;
}

export type ParsedHookPayload = { ok: true; payload: HookPayload } | { ok: false; problem: string };

const REVISION_ARN = /^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:service-revision\/[^/]+\/[^/]+\/[^/]+$/;

function hookDetailsOf(value: unknown): JsonObject | string {
  if (value === undefined || value === null) return {};
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return "hookDetails is a string that is not JSON";
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return "hookDetails is not a JSON object";
  return parsed as JsonObject;
}

/** Reads a payload; never throws. The problem names fields, never their values. */
export function parseHookPayload(raw: unknown): ParsedHookPayload {
  const result = payloadSchema.safeParse(raw);
  if (!result.success) {
    const paths = result.error.issues.map((i) => i.path.join(".") || "(payload)");
    return { ok: false, problem: `payload fields not understood: ${[...new Set(paths)].join(", ")}` };
  }
  const p = result.data;
  const d = p.executionDetails ?? {};
  const serviceArn = d.serviceArn ?? p.serviceArn;
  const targetServiceRevisionArn = d.targetServiceRevisionArn ?? p.targetServiceRevisionArn;
  if (!serviceArn || !parseServiceArn(serviceArn)) {
    return { ok: false, problem: "executionDetails.serviceArn is missing or not a service ARN" };
  }
  if (!targetServiceRevisionArn || !REVISION_ARN.test(targetServiceRevisionArn)) {
    return {
      ok: false,
      problem: "executionDetails.targetServiceRevisionArn is missing or not a service revision ARN",
    };
  }
  const hookDetails = hookDetailsOf(p.hookDetails);
  if (typeof hookDetails === "string") return { ok: false, problem: hookDetails };
  return {
    ok: true,
    payload: {
      ...(p.executionId ? { executionId: p.executionId } : {}),
      lifecycleStage: p.lifecycleStage?.trim() ? p.lifecycleStage : "UNKNOWN",
      ...(p.resourceArn ? { resourceArn: p.resourceArn } : {}),
      serviceArn,
      targetServiceRevisionArn,
      testTrafficWeights: d.testTrafficWeights ?? p.testTrafficWeights ?? {},
      productionTrafficWeights: d.productionTrafficWeights ?? p.productionTrafficWeights ?? {},
      hookDetails,
    },
  };
}
