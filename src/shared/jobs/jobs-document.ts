/** The validation of a parsed jobs file (see jobs-file.ts for the format). Pure, and free of any YAML parser. */
import { FILE_FIELDS, fieldNames } from "./job-fields.js";
import { isRecord, JOB_KEYS, PER_JOB_ONLY_KEYS, validateJob } from "./job-validation.js";
import { unknownFieldProblem } from "./suggest.js";
import type { JobSpec, JobsFile } from "./types.js";

/** Every problem in a jobs file, one per line, each naming the job and field. */
export class JobsFileError extends Error {
  override readonly name = "JobsFileError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

const DEFAULTABLE_KEYS = JOB_KEYS.filter((key) => !PER_JOB_ONLY_KEYS.includes(key));
/** Stands in for the per-job fields when a default nobody inherits is checked on its own. */
const PLACEHOLDER_JOB = { name: "defaults", schedule: "rate(1 day)", cluster: "c", taskDefinition: "t" };

function jobLabel(raw: unknown, index: number): string {
  const name = isRecord(raw) ? raw.name : undefined;
  return typeof name === "string" && name.trim() !== "" ? `job "${name}"` : `job #${index + 1}`;
}

/**
 * Merges the file's defaults under one job and remembers which top-level keys came from the defaults, so a
 * bad default is reported once as `defaults: FIELD` rather than once per job.
 */
function mergeDefaults(job: Record<string, unknown>, defaults: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...job };
  const inherited = new Set<string>();
  for (const key of DEFAULTABLE_KEYS) {
    if (defaults[key] === undefined) continue;
    if (key === "tags" && isRecord(job.tags) && isRecord(defaults.tags)) {
      merged.tags = { ...defaults.tags, ...job.tags };
    } else if (job[key] === undefined) {
      merged[key] = defaults[key];
      inherited.add(key);
    }
  }
  return { merged, inherited };
}

/**
 * Problems of the defaults no job inherits (every job sets the field itself, or there are no jobs): each is
 * checked on its own in a placeholder job, so a mistake there is reported too, not hidden until it is used.
 */
function unusedDefaultProblems(defaults: Record<string, unknown>, inherited: Set<string>): string[] {
  const problems: string[] = [];
  for (const key of DEFAULTABLE_KEYS) {
    if (defaults[key] === undefined || inherited.has(key)) continue;
    validateJob({ ...PLACEHOLDER_JOB, [key]: defaults[key] }, (field, problem) => {
      if ((field.split(/[.[]/)[0] ?? field) === key) problems.push(`${field}: ${problem}`);
    });
  }
  return problems;
}

/** Every problem of a jobs file, and the jobs that have none (for warnings about them). */
export interface JobsDocumentCheck {
  jobs: JobSpec[];
  problems: string[];
}

/**
 * Validates a jobs file already parsed from YAML (or embedded in a bundle as JSON); throws JobsFileError
 * listing ALL problems.
 */
export function parseJobsDocument(root: unknown, fileName = "jobs.yml"): JobsFile {
  const { jobs, problems } = checkJobsDocument(root, fileName);
  if (problems.length > 0) throw new JobsFileError(problems);
  return { fileName, jobs };
}

/** Validates a parsed jobs file without throwing: all problems, and the jobs that are valid on their own. */
export function checkJobsDocument(root: unknown, fileName = "jobs.yml"): JobsDocumentCheck {
  const problems: string[] = [];
  const seenProblems = new Set<string>();
  const add = (problem: string) => {
    if (!seenProblems.has(problem)) problems.push(problem);
    seenProblems.add(problem);
  };

  if (root === null || root === undefined) root = {};
  if (!isRecord(root)) return { jobs: [], problems: [`${fileName}: expected a mapping with a "jobs" list`] };

  const topLevel = fieldNames(FILE_FIELDS);
  for (const key of Object.keys(root)) {
    if (!topLevel.includes(key))
      add(
        `${fileName}: ${key}: unknown top-level field${unknownFieldProblem(key, topLevel).slice("unknown field".length)}`,
      );
  }
  const defaults = root.defaults ?? {};
  if (!isRecord(defaults)) add(`${fileName}: defaults: must be a mapping of job fields`);
  else {
    for (const key of Object.keys(defaults)) {
      if (PER_JOB_ONLY_KEYS.includes(key)) add(`${fileName}: defaults: ${key}: cannot have a default`);
      else if (!DEFAULTABLE_KEYS.includes(key))
        add(`${fileName}: defaults: ${key}: ${unknownFieldProblem(key, DEFAULTABLE_KEYS)}`);
    }
  }
  const rawJobs = root.jobs ?? [];
  if (!Array.isArray(rawJobs))
    return { jobs: [], problems: [...problems, `${fileName}: jobs: must be a list of jobs`] };

  const jobs: JobSpec[] = [];
  const names = new Map<string, number>();
  const inheritedByAny = new Set<string>();
  rawJobs.forEach((rawJob, index) => {
    const label = jobLabel(rawJob, index);
    if (!isRecord(rawJob)) {
      add(`${fileName}: ${label}: must be a mapping of job fields`);
      return;
    }
    const { merged, inherited } = mergeDefaults(rawJob, isRecord(defaults) ? defaults : {});
    for (const key of inherited) inheritedByAny.add(key);
    const job = validateJob(merged, (field, problem) => {
      const topKey = field.split(/[.[]/)[0] ?? field;
      add(
        inherited.has(topKey)
          ? `${fileName}: defaults: ${field}: ${problem}`
          : `${fileName}: ${label}: ${field}: ${problem}`,
      );
    });
    const name = typeof rawJob.name === "string" ? rawJob.name : undefined;
    const first = name === undefined ? undefined : names.get(name);
    if (first !== undefined) add(`${fileName}: ${label}: name: duplicates job #${first + 1}`);
    else if (name !== undefined) names.set(name, index);
    if (job && first === undefined) jobs.push(job);
  });

  if (isRecord(defaults)) {
    for (const problem of unusedDefaultProblems(defaults, inheritedByAny))
      add(`${fileName}: defaults: ${problem}`);
  }
  return { jobs, problems };
}
