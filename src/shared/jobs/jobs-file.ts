/**
 * jobs.yml: the declarative list of scheduled one-off ECS tasks.
 *
 *   defaults:            # optional; any job field except name, description and schedule
 *     cluster: batch
 *     timezone: Europe/Berlin
 *   jobs:
 *     - name: nightly-migration          # [A-Za-z0-9_-], at most 64: it becomes the schedule's name
 *       schedule: cron(0 3 * * ? *)      # cron(...) | rate(...) | at(...), EventBridge Scheduler syntax
 *       taskDefinition: app-migrate      # family (latest ACTIVE) | family:rev | ARN
 *       ...
 *
 * Every field: src/shared/jobs/job-fields.ts (the README table and schemas/jobs.schema.json are generated from
 * it); examples/jobs.yml shows them in use. Pure: text in, JobsFile or JobsFileError out.
 */
import { parseDocument } from "yaml";
import { JobsFileError, parseJobsDocument } from "./jobs-document.js";
import type { JobsFile } from "./types.js";

export { JobsFileError } from "./jobs-document.js";

/** YAML syntax errors, one per line, each with its line and column. */
export function yamlProblems(text: string, fileName: string): { root: unknown; problems: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problems = doc.errors.map((error) => `${fileName}: ${error.message.split("\n")[0]}`);
  return { root: problems.length > 0 ? undefined : doc.toJS(), problems };
}

/** Parses and validates jobs.yml; throws JobsFileError listing ALL problems. */
export function parseJobsFile(text: string, fileName = "jobs.yml"): JobsFile {
  const { root, problems } = yamlProblems(text, fileName);
  if (problems.length > 0) throw new JobsFileError(problems);
  return parseJobsDocument(root, fileName);
}
