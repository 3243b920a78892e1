/** `ecs-sentinel jobs validate`: every error and warning of a jobs file, in one pass. */
import { basename } from "node:path";
import { checkJobsText } from "../shared/jobs/jobs-check.js";
import type { CliIo } from "./io.js";

/** Exit status: 0 valid (warnings allowed), 1 warnings with --strict, 2 errors or an unreadable file. */
export async function validateJobsCommand(
  path: string,
  options: { strict: boolean; now: Date },
  io: CliIo,
): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    io.stderr.write(`${path}: cannot read the jobs file${code ? ` (${code})` : ""}\n1 problem(s) found.\n`);
    return 2;
  }
  const { file, errors, warnings } = checkJobsText(text, basename(path), options.now);
  for (const error of errors) io.stderr.write(`${error}\n`);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  const warned = warnings.length > 0 ? `, ${warnings.length} warning(s)` : "";
  if (!file) {
    io.stderr.write(`${errors.length} problem(s) found${warned}.\n`);
    return 2;
  }
  const enabled = file.jobs.filter((job) => job.enabled).length;
  io.stdout.write(`${path}: ${file.jobs.length} job(s) valid, ${enabled} enabled${warned}\n`);
  if (warnings.length > 0 && options.strict) {
    io.stderr.write("--strict: warnings fail the check.\n");
    return 1;
  }
  return 0;
}
