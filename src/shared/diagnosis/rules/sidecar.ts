/**
 * completed with a failed sidecar: the essential container finished its work (exit 0), ECS then stopped the other
 * containers, and a sidecar exited non-zero on the way out (a log router or proxy that does not exit 0 on SIGTERM).
 * The task did what it was for, so the verdict is `completed` about the essential container, raised to a warning that
 * names the sidecar. Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
 * (essential: "If the essential parameter of a container is marked as true, and that container fails or stops for any
 * reason, all other containers that are part of the task are stopped").
 */
import { DOCS } from "../docs.js";
import type { RenderContext, Rule } from "./rule.js";

const sidecarName = (c: RenderContext) => (c.detail ? `\`${c.detail}\`` : "a sidecar");

export function sidecarFailedAfterCompletionRule(serviceTask: boolean): Rule {
  return {
    category: "completed",
    subCause: "sidecar-failed-after-completion",
    severity: "warning",
    when: /$^/,
    title: (c) =>
      `Task of ${c.subject} ${serviceTask ? "exited" : "completed"}; sidecar ${sidecarName(c)} exited with an error`,
    summary: (c) =>
      `The essential container${c.container ? ` \`${c.container}\`` : ""} exited with code 0, which ${serviceTask ? "stopped the task (a service task is expected to keep running)" : "completed the task"}. Sidecar ${sidecarName(c)} then exited non-zero while ECS stopped it: a warning about the sidecar, not the cause of the stop.`,
    remediation: (c) => [
      `Make ${sidecarName(c)} exit 0 on SIGTERM (flush and stop), or raise its stopTimeout if it needs longer to flush.`,
      `Read the last log lines of ${sidecarName(c)} to see what it failed on (lost logs or traces are the usual cost).`,
      ...(serviceTask
        ? ["Check why the essential container returned: a service task is expected to keep running."]
        : []),
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.viewStoppedTaskErrors],
  };
}
