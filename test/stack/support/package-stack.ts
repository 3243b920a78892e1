/**
 * Runs `osls package` on a private copy of the project, offline and without credentials, and returns the
 * CloudFormation template and artifact sizes. The copy keeps concurrent runs (this suite's two variants, a
 * developer's `npm run package`) from sharing serverless-esbuild's `.esbuild` work folder.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("../../..", import.meta.url));
const oslsBin = join(projectRoot, "node_modules", "osls", "bin", "serverless.js");
const COPIED = ["serverless.yml", "package.json", "tsconfig.json", "infra", "src"];
const PACKAGE_TIMEOUT_MS = 180_000;
/** After a build error osls prints its error report but keeps running (esbuild's service stays alive). */
const ERROR_REPORT = /^Error:$/m;
const GRACE_AFTER_ERROR_MS = 2_000;

export class PackageFailedError extends Error {
  override readonly name = "PackageFailedError";
}

export interface CfnResource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

export interface PackagedStack {
  template: CfnTemplate;
  /** Zipped artifact size in bytes, by function name (`taskState.zip` -> `taskState`). */
  artifactBytes: Record<string, number>;
  /** Zipped artifact contents, by function name. */
  artifacts: Record<string, Buffer>;
  elapsedMs: number;
  /** What osls printed (stdout and stderr): warnings, for instance. */
  output: string;
}

const offlineEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: "AKIAOFFLINEPACKAGE",
  AWS_SECRET_ACCESS_KEY: "offline-package",
  AWS_REGION: "us-east-1",
  AWS_PROFILE: undefined,
  AWS_SESSION_TOKEN: undefined,
  SLS_TELEMETRY_DISABLED: "1",
  SLS_NOTIFICATIONS_MODE: "off",
  SLS_INTERACTIVE_SETUP_DISABLE: "1",
  CI: "true",
});

export interface OslsRun {
  code: number | null;
  output: string;
}

/**
 * Runs the osls CLI (`args` after the binary) offline in `cwd`, with `env` added to the offline environment;
 * killed after `timeoutMs`, or shortly after it printed an error report (it may keep running then).
 */
export function runOsls(
  args: string[],
  cwd: string,
  { env = {}, timeoutMs = PACKAGE_TIMEOUT_MS }: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<OslsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [oslsBin, ...args], {
      cwd,
      env: { ...offlineEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => child.kill("SIGKILL");
    const overall = setTimeout(stop, timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (killTimer === undefined && ERROR_REPORT.test(output))
        killTimer = setTimeout(stop, GRACE_AFTER_ERROR_MS);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(overall);
      clearTimeout(killTimer);
      resolve({ code, output });
    });
  });
}

export async function packageStack(stage: string, params: string[] = []): Promise<PackagedStack> {
  const workDir = mkdtempSync(join(tmpdir(), "ecs-sentinel-stack-"));
  try {
    for (const entry of COPIED) cpSync(join(projectRoot, entry), join(workDir, entry), { recursive: true });
    symlinkSync(join(projectRoot, "node_modules"), join(workDir, "node_modules"), "dir");
    const outDir = join(workDir, "out");
    const args = ["package", "--stage", stage, "--package", outDir, ...params.map((p) => `--param=${p}`)];

    const started = performance.now();
    const run = await runOsls(args, workDir);
    const elapsedMs = performance.now() - started;
    if (run.code !== 0)
      throw new PackageFailedError(`osls package failed (exit ${run.code}):\n${run.output}`);

    const template = JSON.parse(
      readFileSync(join(outDir, "cloudformation-template-update-stack.json"), "utf8"),
    ) as CfnTemplate;
    const artifactBytes: Record<string, number> = {};
    const artifacts: Record<string, Buffer> = {};
    for (const file of readdirSync(outDir).filter((name) => name.endsWith(".zip"))) {
      const name = file.slice(0, -".zip".length);
      artifactBytes[name] = statSync(join(outDir, file)).size;
      artifacts[name] = readFileSync(join(outDir, file));
    }
    return { template, artifactBytes, artifacts, elapsedMs, output: run.output };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export const resourcesOfType = (template: CfnTemplate, type: string): Array<[string, CfnResource]> =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
