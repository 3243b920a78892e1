/**
 * All text rules in their order of precedence. The first rule that matches a text wins, so the order encodes
 * the boundaries between categories (each family file documents its own boundary):
 *
 *  1. out-of-memory              the reason says the container was OOM-killed (trusted over any exit code)
 *  2. resource-limits            a full disk or exhausted file descriptors break pulls, logs and mounts alike
 *  3. platform (runtime)         runtime timeouts carry "context deadline exceeded", which is not a network fault
 *  4. log-driver (credentials)   the credentials endpoint refusing the log driver is not a VPC problem
 *  5. iam (explicit action)      "not authorized to perform: svc:Action" outside an image pull
 *  6. network (EFS DNS), storage  an unresolvable file system name is VPC DNS; other mount failures are storage
 *  7. network                    ENI, DNS, and connection failures to ECR, S3, Secrets Manager, SSM, Logs, registries
 *  8. image-pull platform / rate limit
 *  9. secrets (KMS)              "Access to KMS is not allowed" and disabled keys (before the bare AccessDenied rule)
 * 10. iam (bare AccessDenied)    action cut off: the service is inferred from the surrounding words
 * 11. secrets                    missing secret / parameter / JSON key / version, registry credentials
 * 12. image-pull                 not found, access denied, credentials, invalid reference...
 * 13. log-driver                 missing log group, FireLens, invalid options
 * 14. Windows (image OS version, Host Compute Service), gMSA credential specs, GPU placement, Managed Instances drain
 * 15. placement, platform (host), start-failure
 * 16. stop reasons               ELB / container health checks, Spot, deregistration, StopTask, scheduler
 */

import { gpuPlacementRule } from "./gpu.js";
import { iamAccessDeniedRules, iamActionRules } from "./iam.js";
import { imagePullRules, platformMismatchRule, rateLimitRule } from "./image-pull.js";
import { logDriverCredentialsRule, logDriverRules } from "./log-driver.js";
import { instanceDrainedRule } from "./managed-instances.js";
import { memoryRules } from "./memory.js";
import { efsDnsRule, networkRules } from "./network.js";
import { placementRules } from "./placement.js";
import { hostRules, runtimeRules } from "./platform.js";
import { diskRules, limitRules } from "./resource-limits.js";
import type { MatchInput, Rule } from "./rule.js";
import { kmsRule, secretsRules } from "./secrets.js";
import { startFailureRules } from "./start-failure.js";
import { stopReasonRules } from "./stop-reasons.js";
import { storageRules } from "./storage.js";
import { gmsaRule, windowsImageRule, windowsStartRules } from "./windows.js";

export const FAILURE_RULES: readonly Rule[] = [
  ...memoryRules,
  ...diskRules,
  ...limitRules,
  ...runtimeRules,
  ...windowsStartRules,
  logDriverCredentialsRule,
  ...iamActionRules,
  efsDnsRule,
  ...storageRules,
  ...networkRules,
  windowsImageRule,
  platformMismatchRule,
  rateLimitRule,
  kmsRule,
  ...iamAccessDeniedRules,
  gmsaRule,
  ...secretsRules,
  ...imagePullRules,
  ...logDriverRules,
  gpuPlacementRule,
  instanceDrainedRule,
  ...placementRules,
  ...hostRules,
  ...startFailureRules,
];

export const STOP_REASON_RULES: readonly Rule[] = stopReasonRules;

export const ALL_RULES: readonly Rule[] = [...FAILURE_RULES, ...STOP_REASON_RULES];

export interface RuleMatch {
  rule: Rule;
  detail?: string;
}

/**
 * Many rules share a context regex (PULL_CONTEXT, CONNECTIVITY, ACCESS_DENIED...). Each distinct regex gets a slot so
 * one text tests it at most once; contexts are tested before the rule's own pattern, so a text that is not about
 * pulling skips every image-pull rule after a single test.
 */
const REGEX_SLOTS = new Map<RegExp, number>();
for (const rule of ALL_RULES) {
  for (const regex of [rule.and, rule.when, rule.unless]) {
    if (regex && !REGEX_SLOTS.has(regex)) REGEX_SLOTS.set(regex, REGEX_SLOTS.size);
  }
}

const UNTESTED = 0;
const MATCHED = 1;
const MISSED = 2;

function tester(lower: string): (regex: RegExp) => boolean {
  const memo = new Uint8Array(REGEX_SLOTS.size);
  return (regex) => {
    const slot = REGEX_SLOTS.get(regex);
    if (slot === undefined) return regex.test(lower);
    const known = memo[slot];
    if (known !== UNTESTED) return known === MATCHED;
    const result = regex.test(lower);
    memo[slot] = result ? MATCHED : MISSED;
    return result;
  };
}

/** The first rule of `rules` that matches the input, with the detail it extracts. */
export function firstMatch(rules: readonly Rule[], input: MatchInput): RuleMatch | undefined {
  const test = tester(input.lower);
  for (const rule of rules) {
    if (rule.and && !test(rule.and)) continue;
    if (!test(rule.when)) continue;
    if (rule.unless && test(rule.unless)) continue;
    if (rule.accept && !rule.accept(input)) continue;
    const detail = rule.detail?.(input.text);
    return detail ? { rule, detail } : { rule };
  }
  return undefined;
}

export type { MatchInput, RenderContext, Rule } from "./rule.js";
