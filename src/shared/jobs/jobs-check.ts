/**
 * `jobs validate` and the stack's packaging in one call: every error of a jobs file (YAML syntax with line and
 * column, unknown fields, types, expressions, time zones, duplicates, cross-field rules) and every warning about
 * its valid jobs (daylight-saving changes, at() in the past). Pure: text and the current time in.
 */
import { jobsFileWarnings } from "./job-warnings.js";
import { checkJobsDocument } from "./jobs-document.js";
import { yamlProblems } from "./jobs-file.js";
import type { JobsFile } from "./types.js";

export interface JobsFileCheck {
  /** The whole file when it has no errors. */
  file?: JobsFile;
  errors: string[];
  warnings: string[];
}

/** Checks jobs.yml text: errors and warnings, all of them, in one pass. */
export function checkJobsText(text: string, fileName: string, now: Date): JobsFileCheck {
  const { root, problems } = yamlProblems(text, fileName);
  if (problems.length > 0) return { errors: problems, warnings: [] };
  const checked = checkJobsDocument(root, fileName);
  const warnings = jobsFileWarnings({ fileName, jobs: checked.jobs }, now);
  return checked.problems.length > 0
    ? { errors: checked.problems, warnings }
    : { file: { fileName, jobs: checked.jobs }, errors: [], warnings };
}
