"use strict";
/**
 * Reads the stack parameters as osls would resolve them (`--param` over `params.<stage>` over
 * `params.default`), loads the jobs file, and validates everything ONCE per packaging run: every
 * `${file(./infra/stack-config.cjs):serverless.*}` resolver gets the same result, or the same error, so osls
 * prints one message listing every problem, without a JavaScript stack trace.
 *
 * It reads the raw inputs instead of `${param:...}` because osls cannot resolve params while it resolves
 * the `resources` list, and the schedules there need the validated jobs file too.
 */
const fs = require("node:fs");
const path = require("node:path");
const {
  InvalidStackParameterError,
  loudWarnings,
  NO_JOBS_FILE,
  PARAMETER_NAMES,
  stackParams,
  unknownParameterProblems,
} = require("./stack-params.cjs");

/**
 * osls prints a `ServerlessError` as its plain message and everything else with a stack trace. A resolver's
 * error keeps its message (instead of being wrapped with its stack) only when it is a ServerlessError whose
 * message starts with "Cannot resolve variable at "; the same instance from every resolver is printed once.
 */
function oslsError(error) {
  let ServerlessError;
  try {
    ServerlessError = require("osls/lib/serverless-error");
  } catch {
    return error;
  }
  const message = `Cannot resolve variable at "params": ${error.message}`;
  const wrapped = new ServerlessError(message, "ECS_SENTINEL_INVALID_STACK_PARAMETERS");
  wrapped.problems = error.problems;
  return wrapped;
}

/** The `--param` entries as osls passes them to file resolvers: a string or a list of `name=value`. */
function cliParams(options) {
  const entries = [options.param ?? []].flat().filter((entry) => typeof entry === "string");
  const values = {};
  const problems = [];
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals <= 0) {
      problems.push(`--param="${entry}" is not name=value`);
      continue;
    }
    values[entry.slice(0, equals).trim()] = entry.slice(equals + 1);
  }
  return { values, problems };
}

const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** Raw parameter values and the problems of their names: unknown `--param` or `params.<stage>` keys. */
async function readRawParams({ options = {}, resolveConfigurationProperty } = {}) {
  const resolve = async (propertyPath) =>
    resolveConfigurationProperty
      ? resolveConfigurationProperty(propertyPath).catch(() => undefined)
      : undefined;
  const stage = options.stage ?? options.s ?? (await resolve(["provider", "stage"])) ?? "dev";
  const declared = (await resolve(["params"])) ?? {};
  const cli = cliParams(options);
  const problems = [...cli.problems];
  problems.push(
    ...unknownParameterProblems(Object.keys(cli.values), (name) => `--param="${name}=${cli.values[name]}"`),
  );
  for (const [section, values] of Object.entries(isRecord(declared) ? declared : {})) {
    if (!isRecord(values)) continue;
    problems.push(
      ...unknownParameterProblems(Object.keys(values), (name) => `serverless.yml params.${section}.${name}`),
    );
  }
  const ofStage = isRecord(declared[stage]) ? declared[stage] : {};
  const defaults = isRecord(declared.default) ? declared.default : {};
  const raw = {};
  for (const name of PARAMETER_NAMES) raw[name] = cli.values[name] ?? ofStage[name] ?? defaults[name];
  return { raw, problems, legacyJobsFile: options["jobs-file"] };
}

/** The jobs file: `{ loaded }` (null for jobsFile=none) or the problems that stop packaging. */
function readJobsFile(value, cwd) {
  const given = String(value ?? "").trim();
  if (given.toLowerCase() === NO_JOBS_FILE) return { loaded: null, problems: [] };
  if (given === "") {
    return {
      loaded: null,
      problems: [
        `jobsFile is empty: name the jobs file, or pass --param="jobsFile=none" for a stack with no jobs`,
      ],
    };
  }
  const filePath = path.resolve(cwd, given);
  if (!fs.existsSync(filePath)) {
    return {
      loaded: null,
      problems: [
        `jobsFile="${given}" does not exist (${filePath}): create it — see examples/jobs.yml — or pass --param="jobsFile=none" for a stack with no jobs`,
      ],
    };
  }
  // Loaded lazily: schedules.cjs bundles the jobs-file parser with esbuild, which only packaging needs.
  const schedules = require("./schedules.cjs");
  try {
    return { loaded: schedules.loadJobsFile(filePath), problems: [] };
  } catch (error) {
    if (!Array.isArray(error?.problems)) throw error;
    return { loaded: null, problems: error.problems.map((problem) => `jobsFile: ${problem}`) };
  }
}

/**
 * `{ params, jobsFile }` for the builders, from the osls resolver input; throws InvalidStackParameterError
 * listing every problem. Pure of osls: tests call it with plain options.
 */
async function readStack(input = {}, cwd = process.cwd()) {
  const { raw, problems, legacyJobsFile } = await readRawParams(input);
  const jobs = readJobsFile(legacyJobsFile ?? raw.jobsFile, cwd);
  const schedules = jobs.loaded ? require("./schedules.cjs") : undefined;
  const params = stackParams({
    ...raw,
    jobs: jobs.loaded ? schedules.jobTargets(jobs.loaded.jobs) : null,
    problems: [...problems, ...jobs.problems],
  });
  return { params, jobsFile: jobs.loaded };
}

const validated = new Map();
/** readStack once per distinct input (osls calls a dozen resolvers); warnings go to stderr once. */
function validatedStack(input = {}, { warn = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const key = JSON.stringify({
    param: input.options?.param,
    stage: input.options?.stage,
    jobs: input.options?.["jobs-file"],
  });
  if (!validated.has(key)) {
    const result = readStack(input).then(
      (stack) => {
        for (const warning of loudWarnings(stack.params)) warn(`WARNING (ecs-sentinel): ${warning}`);
        return stack;
      },
      (error) => {
        throw error instanceof InvalidStackParameterError ? oslsError(error) : error;
      },
    );
    validated.set(key, result);
  }
  return validated.get(key);
}

/** The service name and stage osls deploys: what the stack's names are made of. */
async function stackNames(input = {}) {
  const resolve = async (path) =>
    input.resolveConfigurationProperty
      ? input.resolveConfigurationProperty(path).catch(() => undefined)
      : undefined;
  const service = (await resolve(["service"])) ?? "ecs-sentinel";
  const stage = input.options?.stage ?? input.options?.s ?? (await resolve(["provider", "stage"])) ?? "dev";
  return { service, stage };
}

module.exports = { readStack, validatedStack, cliParams, stackNames };
