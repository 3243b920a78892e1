/**
 * What a container exit code means, and the app-exit / completed verdicts built from it.
 * 137 (SIGKILL) and 143 (SIGTERM) are what ECS itself sends when it stops a task (SIGTERM, then SIGKILL after the
 * stop timeout), so on a scheduler, user or Spot stop they are routine and say nothing about the application; so is
 * 3221225786 (0xC000013A), how Windows containers exit when stopped. Windows NTSTATUS codes: rules/windows.ts.
 */
import { DOCS } from "./docs.js";
import { containerIn, type RenderContext, type Rule, theContainer } from "./rules/rule.js";
import {
  unsignedWindowsCode,
  WINDOWS_EXIT_CODES,
  WINDOWS_EXIT_REMEDIATION,
  WINDOWS_STOP_EXIT,
} from "./rules/windows.js";

export interface ExitCodeMeaning {
  subCause: string;
  /** Short phrase for evidence lines, e.g. "SIGKILL: killed". */
  meaning: string;
}

const MEANINGS: ReadonlyMap<number, ExitCodeMeaning> = new Map([
  [0, { subCause: "finished", meaning: "finished successfully" }],
  [1, { subCause: "application-error", meaning: "application error" }],
  [2, { subCause: "invalid-arguments", meaning: "misuse of a shell builtin or invalid arguments" }],
  [126, { subCause: "command-not-executable", meaning: "command found but not executable" }],
  [127, { subCause: "command-not-found", meaning: "command not found" }],
  [128, { subCause: "invalid-exit-argument", meaning: "invalid argument to exit" }],
  [130, { subCause: "interrupted", meaning: "SIGINT: interrupted" }],
  [134, { subCause: "aborted", meaning: "SIGABRT: the process aborted (failed assertion or abort())" }],
  [
    137,
    {
      subCause: "killed",
      meaning: "SIGKILL: killed (memory limit, or not stopping within the stop timeout)",
    },
  ],
  [139, { subCause: "segmentation-fault", meaning: "SIGSEGV: segmentation fault" }],
  [143, { subCause: "terminated", meaning: "SIGTERM: asked to stop and exited" }],
  [
    255,
    { subCause: "exit-status-out-of-range", meaning: "exit status -1/255: generic failure or runtime error" },
  ],
]);

export function exitCodeMeaning(rawCode: number, routineStop = false): ExitCodeMeaning {
  const code = unsignedWindowsCode(rawCode);
  if (routineStop && code === WINDOWS_STOP_EXIT)
    return { subCause: "stopped-by-ecs", meaning: "0xC000013A: stopped by ECS (Windows shutdown event)" };
  if (routineStop && (code === 137 || code === 143)) {
    return {
      subCause: "stopped-by-ecs",
      meaning:
        code === 137
          ? "SIGKILL: killed after the stop timeout, routine when ECS stops a task"
          : "SIGTERM: stopped gracefully by ECS",
    };
  }
  const known = MEANINGS.get(code === -1 ? 255 : code) ?? WINDOWS_EXIT_CODES.get(code);
  if (known) return known;
  if (code > 128 && code < 160)
    return { subCause: "killed-by-signal", meaning: `killed by signal ${code - 128}` };
  // NTSTATUS error values (0xC...) are Windows crashes the table does not name.
  if (code >= 0xc0000000 && code <= 0xcfffffff)
    return {
      subCause: "windows-ntstatus-error",
      meaning: `NTSTATUS 0x${code.toString(16).toUpperCase()}: a Windows error`,
    };
  return { subCause: "non-zero-exit", meaning: "application-defined error code" };
}

const REMEDIATION: Readonly<Record<string, (c: RenderContext) => string[]>> = {
  ...WINDOWS_EXIT_REMEDIATION,
  "application-error": (c) => [
    `Read the last log lines of ${theContainer(c)} (CloudWatch Logs stream of the task) for the exception or error message.`,
    "Check configuration the application reads at start-up: environment variables, secrets, and reachability of databases and APIs.",
    "Reproduce locally with the same image and environment.",
  ],
  "invalid-arguments": (c) => [
    `Check the command and entryPoint of ${theContainer(c)} (and RunTask overrides): a flag or argument is wrong for this image version.`,
  ],
  "command-not-executable": () => [
    "The entrypoint exists but cannot be executed: add chmod +x in the Dockerfile, check the shebang, and that the image matches the CPU architecture.",
  ],
  "command-not-found": () => [
    "The command was not found: check entryPoint and command in the container definition, and that the binary is on PATH in the image.",
    "Shell-form commands need a shell in the image (distroless and scratch images have none).",
  ],
  aborted: (c) => [
    `${theContainer(c)} called abort() or failed an assertion; read its logs and any core dump for the failing assertion.`,
    "Native libraries built for another libc or CPU are a common cause.",
  ],
  killed: (c) => [
    `Something sent SIGKILL to ${theContainer(c)}. Without an OutOfMemoryError reason this is usually a memory kill by the host or a stop that exceeded the stop timeout.`,
    "Compare memory use with the container and task limits (Container Insights) and raise them if it was near the limit.",
    "Make the process exit promptly on SIGTERM, or raise stopTimeout, so ECS does not have to kill it.",
  ],
  "segmentation-fault": (c) => [
    `${theContainer(c)} crashed with a segmentation fault: read its logs; check native dependencies and that the image matches the CPU architecture.`,
  ],
  terminated: (c) => [
    `${theContainer(c)} received SIGTERM and exited, and it was essential: find what sent the signal (a supervisor in the container, a dependency, or a stop).`,
  ],
  "exit-status-out-of-range": (c) => [
    `Read the logs of ${theContainer(c)}: exit -1/255 comes from the runtime or from exit(-1) in the application.`,
  ],
};

const defaultRemediation = (c: RenderContext): string[] => [
  `Read the last log lines of ${theContainer(c)} for the error that made it exit with code ${c.exitCode ?? "non-zero"}.`,
  "Check what this exit code means for the application (its documentation or source).",
];

/** app-exit: an essential container exited with a non-zero code. */
export function appExitRule(code: number | undefined): Rule {
  const meaning = code === undefined ? undefined : exitCodeMeaning(code);
  const subCause = meaning?.subCause ?? "exited-without-code";
  return {
    category: "app-exit",
    subCause,
    when: /$^/,
    title: (c) =>
      code === undefined ? `${containerIn(c)} exited` : `${containerIn(c)} exited with code ${code}`,
    summary: (c) =>
      code === undefined
        ? `${containerIn(c)} is essential and exited without reporting an exit code, which stopped the task.`
        : `${containerIn(c)} is essential and exited with code ${code} (${meaning?.meaning}), which stopped the task.`,
    remediation: REMEDIATION[subCause] ?? defaultRemediation,
    docs: [DOCS.stoppedTaskErrors, DOCS.viewStoppedTaskErrors],
  };
}

/** completed: the essential container exited 0. Expected for a standalone task, a silent quit for a service task. */
export function completedRule(serviceTask: boolean): Rule {
  return {
    category: "completed",
    subCause: serviceTask ? "service-task-exited" : "finished",
    when: /$^/,
    title: (c) =>
      serviceTask
        ? `${containerIn(c)} exited with code 0 although it should keep running`
        : `Task of ${c.subject} completed`,
    summary: (c) =>
      serviceTask
        ? `${containerIn(c)} exited successfully (code 0), which stopped the task; a service task is expected to keep running, so the scheduler will start another one.`
        : `The essential container${c.container ? ` \`${c.container}\`` : ""} exited with code 0: the work finished.`,
    remediation: (c) =>
      serviceTask
        ? [
            `Check why ${theContainer(c)} returned: a foreground process that daemonizes, a main loop that ends, or a command that only runs once.`,
            "Run the server in the foreground (no -d / daemon mode) and keep the main process alive.",
          ]
        : ["No action needed."],
    docs: [DOCS.viewStoppedTaskErrors],
  };
}
