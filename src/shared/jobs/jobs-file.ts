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
 * See examples/jobs.yml for every field. Pure: text in, JobsFile or JobsFileError out.
 */
import { parseDocument } from "yaml";
import { JobsFileError, parseJobsDocument } from "./jobs-document.js";
import type { JobsFile } from "./types.js";

export { JobsFileError } from "./jobs-document.js";

/** Parses and validates jobs.yml; throws JobsFileError listing ALL problems. */
export function parseJobsFile(text: string, fileName = "jobs.yml"): JobsFile {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new JobsFileError(doc.errors.map((error) => `${fileName}: ${error.message.split("\n")[0]}`));
  }
  return parseJobsDocument(doc.toJS(), fileName);
}
