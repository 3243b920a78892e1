/**
 * platform: the host, the agent or the container runtime failed, or AWS retired/maintained the infrastructure.
 * Runtime errors (DockerTimeoutError, ContainerRuntimeTimeoutError, CannotInspect/CannotStop, InternalError) are
 * recognised by their prefix before anything else, because their messages often carry "context deadline exceeded"
 * that would otherwise read as a network failure.
 * The host's own runtime failing is `platform` too, with the host named as what to fix: the Docker daemon or containerd
 * not answering ("Cannot connect to the Docker daemon", "containerd.sock: connect: connection refused", "ttrpc: closed",
 * which would otherwise read as a network fault), runc failing inside the host kernel / cgroups, and runtime hooks
 * failing, GPU hooks above all (nvidia-container-cli). Sources:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cannot-start-container.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html, NVIDIA/nvidia-docker#1225 and
 * NVIDIA/nvidia-container-toolkit#154 (hook wordings), moby/moby#40835 ("final child's pid from pipe").
 */
import { DOCS } from "../docs.js";
import { capture, containerIn, type RenderContext, type Rule } from "./rule.js";

const runtimeTitle = (c: RenderContext) => `${containerIn(c)} stopped after a container runtime failure`;

const hostRuntimeTitle = (c: RenderContext) =>
  `Container runtime on the host failed${c.container ? ` to start \`${c.container}\`` : ""} in ${c.subject}`;

const hostRuntimeRules: readonly Rule[] = [
  {
    category: "platform",
    subCause: "gpu-runtime-failed",
    when: /nvidia-container-cli|nvidia-container-runtime|nvidia-container-toolkit|nvml error|libnvidia-ml|could not select device driver .{0,40}capabilities: \[\[gpu\]\]/,
    title: hostRuntimeTitle,
    summary: (c) =>
      `The container instance's GPU runtime hook (NVIDIA container toolkit) failed while creating ${c.container ? `\`${c.container}\`` : "the container"}: the host's GPU driver or toolkit is missing, not loaded or broken. The task definition is not at fault.`,
    remediation: () => [
      "Run GPU tasks on the ECS GPU-optimized AMI and set ECS_ENABLE_GPU_SUPPORT=true; on the instance, `nvidia-smi` must work.",
      "Drain and replace the instance if the driver is not loaded (after a kernel update, or an Xid error), and check the NVIDIA container toolkit version matches the driver.",
      "Place GPU tasks only on GPU instances (resourceRequirements GPU) so they never land on a host without the runtime.",
    ],
    docs: [
      DOCS.cannotStartContainer,
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html",
    ],
  },
  {
    // start-failure, not platform: an unnamed hook failing is often a task placed on a host without what the hook
    // serves (a GPU task on a non-GPU instance), so the container did not start; the fix still names the host.
    category: "start-failure",
    subCause: "runtime-hook-failed",
    when: /error running hook|running (?:prestart|createruntime|poststart) hook|prestart hook|oci hook/,
    title: hostRuntimeTitle,
    summary: () =>
      "A runtime hook installed on the container instance (prestart / createRuntime) failed while the container was created; the hook belongs to the host, not to the image.",
    remediation: () => [
      "Read the hook's stderr in the reason and the Docker/containerd journal on the instance (journalctl -u docker -u containerd).",
      "Fix or remove the hook in the instance's runtime configuration (/etc/docker/daemon.json, /etc/containerd/config.toml), or replace the instance.",
    ],
    docs: [DOCS.cannotStartContainer],
  },
  {
    category: "platform",
    subCause: "container-runtime-unavailable",
    when: /cannot connect to the docker daemon|is the docker daemon running|docker\.sock.{0,40}(?:connection refused|no such file|broken pipe)|containerd\.sock|ttrpc: closed|shim disconnected|containerd-shim.{0,60}(?:exited|died|disconnected|not found)|dockerstateerror|container runtime is not running|docker daemon .{0,30}(?:not running|unresponsive|restart)/,
    title: hostRuntimeTitle,
    summary: () =>
      "The container runtime on the container instance (Docker daemon or containerd) was not answering, so the ECS agent could not create or start the container.",
    remediation: () => [
      "Check the daemon on the instance: systemctl status docker containerd, and their journal for crashes or restarts (OOM of the daemon, a full disk, an upgrade).",
      "Drain the container instance and replace it if the runtime keeps failing; keep the ECS-optimized AMI current.",
      "Reserve memory for the OS and runtime (ECS_RESERVED_MEMORY) so tasks cannot starve the daemon.",
    ],
    docs: [DOCS.cannotStartContainer, DOCS.agentConfig],
  },
  {
    category: "platform",
    subCause: "container-runtime-error",
    when: /final child's pid from pipe|error setting cgroup config|unable to freeze|cgroups?: .{0,40}(?:no such file|cannot|failed)|is already in use by container|container name .{0,80}is already in use|failed to create task for container: failed to create shim/,
    unless:
      /executable file not found|no such file or directory: unknown$|exec format error|permission denied/,
    title: hostRuntimeTitle,
    summary: () =>
      "runc or the runtime failed on the container instance (cgroups, kernel or runtime state), not because of the image or the task definition.",
    remediation: () => [
      "Retry the task on another instance; if the same instance repeats it, drain and replace it.",
      "Check the instance's kernel and runtime logs (dmesg, journalctl -u docker -u containerd) and its free memory; update the ECS-optimized AMI.",
    ],
    docs: [DOCS.cannotStartContainer, DOCS.stoppedTaskErrors],
  },
];

export const runtimeRules: readonly Rule[] = [
  ...hostRuntimeRules,
  {
    category: "platform",
    subCause: "container-runtime-timeout",
    when: /dockertimeouterror|containerruntimetimeouterror|could not transition to (?:running|stopped|created)/,
    title: runtimeTitle,
    summary: () =>
      "The container did not reach RUNNING or STOPPED within the runtime's timeout; the container runtime or the host was overloaded or stuck.",
    remediation: (c) => [
      "Retry the task: this is usually transient.",
      c.launchType?.toUpperCase() === "FARGATE"
        ? "If it repeats, check for very large images or slow entrypoints, and contact AWS Support with the task ARN."
        : "If it repeats on EC2, check the instance's CPU, memory and disk I/O, the Docker daemon and ECS agent logs, and replace the instance if unhealthy.",
      "Raise ECS_CONTAINER_START_TIMEOUT / ECS_CONTAINER_STOP_TIMEOUT (EC2) or startTimeout/stopTimeout in the container definition if the container is slow by design.",
    ],
    docs: [DOCS.stoppedTaskErrors, DOCS.agentConfig],
  },
  {
    category: "platform",
    subCause: "cannot-inspect-container",
    when: /cannotinspectcontainererror/,
    title: runtimeTitle,
    summary: () =>
      "The agent could not describe the container through the container runtime (Docker or containerd).",
    remediation: () => [
      "Retry the task; on EC2 check the Docker daemon's health (systemctl status docker) and the agent log.",
      "Replace the container instance if the runtime keeps failing.",
    ],
    docs: [DOCS.cannotInspectContainer, DOCS.stoppedTaskErrors],
  },
  {
    category: "platform",
    subCause: "cannot-stop-container",
    when: /cannotstopcontainererror/,
    title: runtimeTitle,
    summary: () => "The agent could not stop the container through the container runtime.",
    remediation: () => [
      "On EC2, check the Docker daemon and the instance's load; restart or replace the instance if containers cannot be stopped.",
      "Make the application exit promptly on SIGTERM so stops do not depend on SIGKILL.",
    ],
    docs: [DOCS.stoppedTaskErrors],
  },
  {
    category: "platform",
    subCause: "internal-error",
    when: /^internalerror|internalerror:|internal error/,
    title: runtimeTitle,
    summary: () =>
      "The Fargate agent hit an unexpected internal error that is not caused by the task definition.",
    remediation: () => [
      "Retry the task; a service replaces it automatically.",
      "If it repeats for the same task definition, contact AWS Support with the task ARN and time.",
    ],
    docs: [DOCS.internalError, DOCS.stoppedTaskErrors],
  },
];

const hostTitle = (c: RenderContext) => `Task of ${c.subject} stopped by its host or AWS infrastructure`;

export const hostRules: readonly Rule[] = [
  {
    category: "platform",
    subCause: "host-terminated",
    taskLevel: true,
    when: /host ec2 \(instance [^)]*\) (?:terminated|stopped|shutting down)|instance .{0,40}(?:was |has been )?(?:terminated|shut down)/,
    detail: capture(/\b(i-[0-9a-f]{8,17})\b/i),
    title: hostTitle,
    summary: (c) =>
      `The EC2 instance${c.detail ? ` ${c.detail}` : ""} that hosted the task was stopped or terminated (scale-in of the Auto Scaling group, Spot reclaim, or a manual action), taking the task with it.`,
    remediation: () => [
      "Check the instance's Auto Scaling activity history and CloudTrail TerminateInstances/StopInstances calls to see who ended it.",
      "Turn on managed termination protection / instance draining so instances drain tasks before they terminate.",
      "For Spot instances, set ECS_ENABLE_SPOT_INSTANCE_DRAINING=true so tasks are moved when the 2-minute notice arrives.",
    ],
    docs: [DOCS.containerInstanceDraining, DOCS.spotContainerInstances],
  },
  {
    category: "platform",
    subCause: "instance-retirement",
    taskLevel: true,
    when: /being retired|scheduled for retirement|retirement/,
    title: hostTitle,
    summary: () => "AWS retired the underlying host or the task, as announced in the AWS Health Dashboard.",
    remediation: () => [
      "Nothing to fix in the task; a service replaces it. For standalone tasks, start a replacement.",
      "Subscribe to AWS Health events (EventBridge) to act before the retirement date.",
    ],
    docs: [DOCS.taskMaintenance],
  },
  {
    category: "platform",
    subCause: "infrastructure-maintenance",
    taskLevel: true,
    when: /underlying infrastructure|performing maintenance|infrastructure maintenance|task maintenance|maintenance/,
    title: hostTitle,
    summary: () =>
      "AWS stopped the task because of an issue or scheduled maintenance on the underlying infrastructure (Fargate task retirement / patching).",
    remediation: () => [
      "Nothing to fix in the task; a service launches a replacement respecting minimumHealthyPercent.",
      "For standalone tasks, watch for retirement notices in AWS Health and restart them; keep the application tolerant of restarts.",
    ],
    docs: [DOCS.taskMaintenance],
  },
  {
    category: "platform",
    subCause: "container-instance-unhealthy",
    taskLevel: true,
    when: /agent .{0,40}disconnected|agent (?:is )?not connected|agent (?:was )?(?:restarted|updated)|instance .{0,60}unhealthy|impaired|container instance .{0,40}(?:inactive|lost)/,
    title: hostTitle,
    summary: () =>
      "The container instance or its ECS agent became unhealthy or disconnected, and ECS stopped the tasks on it.",
    remediation: () => [
      "Check the instance's ECS agent log (/var/log/ecs/ecs-agent.log) and system health; replace the instance if impaired.",
      "Keep the ECS agent and AMI current; make sure the instance can reach the ECS endpoints.",
    ],
    docs: [DOCS.agentConfig, DOCS.stoppedTaskErrors],
  },
];
