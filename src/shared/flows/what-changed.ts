/**
 * "What changed": which revision a failing service task should be compared with, and the sentence and lines
 * the alert shows. Pure: the deployments come from DescribeServices, the task definitions from the cached
 * loader. The baseline (what-changed-baseline.ts) is apart, so the diff loads only when one is compared.
 */
import {
  describeChanges,
  diffTaskDefinitions,
  type TaskDefinitionShape,
} from "../enrich/task-definition-diff.js";
import type { ChangesSection } from "../notify/message.js";
import { revisionLabel } from "./what-changed-baseline.js";

export {
  type Baseline,
  changesMatter,
  type DeploymentLike,
  lastSuccessfulRevision,
  revisionLabel,
  unchangedSection,
} from "./what-changed-baseline.js";

/** The differences that matter from the last successful revision to the failing one, names never values. */
export function changesSection(
  baselineArn: string,
  baseline: TaskDefinitionShape,
  failing: TaskDefinitionShape,
): ChangesSection {
  const label = revisionLabel(baselineArn);
  const lines = describeChanges(diffTaskDefinitions(baseline, failing));
  return lines.length > 0
    ? { summary: `Since ${label}, the last successful revision`, lines }
    : { summary: `No difference that matters since ${label}, the last successful revision`, lines: [] };
}
