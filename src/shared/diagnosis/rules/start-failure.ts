/** start-failure: the container could not be created or started for a reason no more specific rule names. */
import { DOCS } from "../docs.js";
import { capture, containerIn, type RenderContext, type Rule, theContainer } from "./rule.js";

export const START_CONTEXT =
  /cannotstartcontainererror|cannotcreatecontainererror|oci runtime|runc create failed|starting container process|failed to create shim|executable file not found|task failed to start|failed to start|failed to create (?:the )?container|env files?|environment files?|invalid (?:container|task) definition|invalidparametervalue|containerdependency|dependency .{0,60}(?:failed|stopped)/;

const title = (c: RenderContext) => `${containerIn(c)} failed to start`;
const startDocs = [DOCS.cannotStartContainer, DOCS.stoppedTaskErrors];

const rules: readonly Rule[] = [
  {
    category: "start-failure",
    subCause: "container-user-not-found",
    // containerd mounts the image to resolve `user` in /etc/passwd and /etc/group before it starts the process.
    when: /etc\/passwd|etc\/group|no matching entries in (?:passwd|group) file|unable to find (?:user|group)/,
    title,
    summary: (c) =>
      `The runtime could not resolve the user that ${theContainer(c)} runs as: the image has no /etc/passwd (or /etc/group) entry for the \`user\` in the container definition.`,
    remediation: () => [
      "Check the `user` field of the container definition (and the image's USER): a name must exist in the image's /etc/passwd, a group in /etc/group.",
      "Use a numeric UID:GID for images without /etc/passwd (scratch, distroless, Windows images), or add the user in the Dockerfile.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.cannotStartContainer],
  },
  {
    category: "start-failure",
    subCause: "host-device-missing",
    // linuxParameters.devices (GPUs, /dev/dri, /dev/fuse...) name a device the container instance does not have.
    when: /custom device|gathering device information|error adding device/,
    title,
    summary: (c) =>
      `${containerIn(c)} asks for a host device (linuxParameters.devices) that the container instance does not have.`,
    remediation: () => [
      "Compare linuxParameters.devices in the task definition with the devices of the instance type (ls /dev on the host).",
      "Place the task only on instances that have the device, with a placement constraint on the instance type or a custom attribute.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.cannotStartContainer],
  },
  {
    category: "start-failure",
    subCause: "entrypoint-not-found",
    // Windows: hcsshim::ComputeSystem::CreateProcess "The system cannot find the file specified" (microsoft/hcsshim#674).
    when: /executable file not found|no such file or directory|not found in \$path|the system cannot find the (?:file|path) specified/,
    detail: capture(/exec(?:ute)?:?\s*"([^"]+)"/i),
    title,
    summary: (c) =>
      `The runtime could not find the command ${c.detail ? `\`${c.detail}\` ` : ""}to start ${theContainer(c)}: the entryPoint/command names a file that is not in the image or not on PATH.`,
    remediation: () => [
      "Check entryPoint and command in the container definition (and any RunTask overrides) against the image's ENTRYPOINT/CMD.",
      "Run the image locally (docker run --entrypoint ...) to confirm the executable exists at that path; remember shell-form commands need /bin/sh in the image.",
      "Scripts need Unix line endings and a valid shebang.",
    ],
    docs: startDocs,
  },
  {
    category: "start-failure",
    subCause: "entrypoint-not-executable",
    when: /permission denied/,
    title,
    summary: (c) => `The runtime was denied permission to execute the command of ${theContainer(c)}.`,
    remediation: () => [
      "Make the entrypoint executable in the image (chmod +x in the Dockerfile) and check the user the container runs as can read it.",
      "Check readonlyRootFilesystem and mount options (noexec) if the command lives on a mounted volume.",
    ],
    docs: startDocs,
  },
  {
    category: "start-failure",
    subCause: "environment-file-failed",
    when: /env files?|environment files?|envfile/,
    title,
    summary: () => "ECS could not download or parse an environment file listed in environmentFiles.",
    remediation: () => [
      "Check each environmentFiles value is an existing S3 object ARN ending in .env, in a bucket of the task's Region.",
      "Allow the task execution role s3:GetObject on the files and s3:GetBucketLocation on the bucket; give the task a route to S3.",
      "Each line must be VARIABLE=VALUE; lines starting with # are comments.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.executionRole],
  },
  {
    category: "start-failure",
    subCause: "container-dependency-failed",
    when: /containerdependency|dependency .{0,60}(?:failed|stopped|did not)|dependson/,
    title,
    summary: () =>
      "A container this one depends on (dependsOn) did not reach the required condition, so it was never started.",
    remediation: () => [
      "Look at the dependency container's own exit code and logs; fix it first.",
      "Check the dependsOn condition: SUCCESS/COMPLETE need the dependency to exit, HEALTHY needs a health check defined.",
    ],
    docs: [DOCS.taskDefinitionParameters],
  },
  {
    category: "start-failure",
    subCause: "invalid-task-definition",
    when: /invalidparametervalue|invalid (?:container|task) definition|invalid argument|invalid value|minimum memory limit|not supported/,
    title,
    summary: () => "The container runtime rejected a parameter of the task definition.",
    remediation: () => [
      "Read the parameter named in the error and compare it with the task definition reference for the launch type.",
      "Register a corrected revision and update the service or schedule to use it.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.cannotStartContainer],
  },
  {
    category: "start-failure",
    subCause: "container-start-failed",
    when: START_CONTEXT,
    title,
    summary: (c) => `The container runtime could not create or start ${theContainer(c)}.`,
    remediation: () => [
      "Read the runtime's full message in the stopped task's container reason; it usually names the failing parameter or file.",
      "Run the same image with the same command locally to reproduce, then register a corrected task definition.",
    ],
    docs: [...startDocs, DOCS.cannotCreateContainer],
  },
];

export const startFailureRules: readonly Rule[] = rules.map((rule) =>
  rule.when === START_CONTEXT ? rule : { ...rule, and: START_CONTEXT },
);

/** Stop code TaskFailedToStart and nothing else: the stop code itself is the evidence that it never started. */
export const silentStartFailureRule: Rule = {
  category: "start-failure",
  subCause: "failed-to-start-without-reason",
  when: /$^/,
  title: (c) => `Task of ${c.subject} failed to start`,
  summary: () => "ECS reports TaskFailedToStart but gives no reason, so the exact cause is not in the event.",
  remediation: () => [
    "Describe the task again (aws ecs describe-tasks) within an hour of the stop: the reason is sometimes filled in later.",
    "Check the service's events for placement, image pull or secrets errors around the same time.",
    "Run the AWSSupport-TroubleshootECSTaskFailedToStart runbook with the task id.",
  ],
  docs: [DOCS.stoppedTaskErrors, DOCS.viewStoppedTaskErrors],
};
