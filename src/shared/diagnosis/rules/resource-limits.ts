/**
 * resource-limits: the host or task ran out of disk, thin-pool space, file descriptors, processes or memory to create
 * containers. A full disk while image layers are extracted reads like a pull failure (CannotPullContainerError: failed
 * to register layer / failed to extract layer / write /var/lib/docker/...), but no registry fix helps: it is the disk
 * (DESIGN.md puts disk space here, not in `storage`, which is about volumes). Fargate fixes ephemeral storage, EC2 the
 * instance's volume; Windows hosts say "There is not enough space on the disk" and need a larger C: volume.
 * Sources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html (disk space),
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html,
 * https://learn.microsoft.com/en-us/virtualization/windowscontainers/troubleshooting (Windows layer extraction).
 */
import { DOCS } from "../docs.js";
import { containerIn, isFargate, type Rule, where } from "./rule.js";

const title = (c: Parameters<Rule["title"]>[0]) => `${containerIn(c)} hit a resource limit`;

/** Disk exhaustion wins over everything else: a full disk also breaks pulls, logs and volume mounts. */
export const diskRules: readonly Rule[] = [
  {
    category: "resource-limits",
    subCause: "docker-thin-pool-full",
    // Any devicemapper fault (deviceResume, dm_task_run...) comes from the same thin-pool storage and the same fixes.
    when: /thin pool|devmapper|devicemapper|dm\.min_free_space|dm_task_run/,
    title: (c) => `No space left in the Docker thin pool for ${where(c)}`,
    summary: () =>
      "The Docker devicemapper thin pool on the container instance is full, so the daemon cannot create new containers.",
    remediation: () => [
      "Free space on the instance: remove stopped containers and unused images (docker system prune) or lower ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION so the agent cleans up sooner.",
      "Grow the Docker data volume, or replace the instance with one launched with a larger data volume.",
      "Move to a current ECS-optimized AMI (overlay2 storage driver) where the thin pool no longer exists.",
    ],
    docs: [DOCS.cannotCreateContainer, DOCS.amiStorage],
  },
  {
    category: "resource-limits",
    subCause: "disk-full",
    // Windows (HCS / windowsfilter) wording of a full disk; Windows base images are several GiB each.
    when: /not enough space on the disk|there is not enough space|disk is full/,
    title: (c) => `Disk full while starting ${where(c)}`,
    summary: () =>
      "The Windows container instance ran out of disk space while extracting the image's layers (Windows base images take several GiB each).",
    remediation: () => [
      "Increase the root (C:) EBS volume of the Windows container instances in the launch template; 50 GiB or more for Windows Server Core images.",
      "Free space on the instance: remove unused images (docker image prune -a) and lower ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION / ECS_IMAGE_CLEANUP_INTERVAL so the agent cleans up sooner.",
      "Use the same Windows base image for all tasks on the host so layers are shared.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.amiStorage],
  },
  {
    category: "resource-limits",
    subCause: "disk-full",
    // A write that fails while a layer is extracted is the disk filling up; Fargate often cuts the message before
    // "no space left on device".
    when: /no space left on device|disk quota exceeded|(?:insufficient|not enough) (?:disk|storage)|(?:extract|register) layer.{0,300}: write \/|(?:extract|register) layer.{0,300}write \/var\/lib\/(?:docker|containerd)/,
    unless: /input\/output error|read-only file system|permission denied/,
    title: (c) => `Disk full while starting ${where(c)}`,
    summary: (c) =>
      isFargate(c)
        ? "The task's ephemeral storage filled up (image layers plus files written by the containers)."
        : "The container instance ran out of disk space while pulling the image or writing container data.",
    remediation: (c) =>
      isFargate(c)
        ? [
            "Increase the task's ephemeralStorage (21 to 200 GiB; the default is 20 GiB) in the task definition: the extracted image and everything the containers write share it.",
            "Make the image smaller (multi-stage builds, fewer layers) and stop writing large files to the container's file system; use EFS or S3 instead.",
          ]
        : [
            "Free disk on the instance: remove unused images and stopped containers (the ECS agent's automated image cleanup: ECS_IMAGE_CLEANUP_INTERVAL, ECS_NUM_IMAGES_DELETE_PER_CYCLE), and cap json-file logs with the max-size log option.",
            "Increase the root/data EBS volume in the launch template, or prefer the awslogs driver so logs leave the disk.",
            "Check for a container that writes large files to its writable layer.",
          ],
    docs: [DOCS.cannotPullImage, DOCS.fargateEphemeralStorage, DOCS.amiStorage],
  },
];

export const limitRules: readonly Rule[] = [
  {
    category: "resource-limits",
    subCause: "ulimit",
    when: /ulimit|rlimit|too many open files|\bnofile\b/,
    title,
    summary: (c) =>
      `${containerIn(c)} could not start or run because of a ulimit (open files or another per-process limit).`,
    remediation: () => [
      "Check the `ulimits` in the container definition: soft must not exceed hard, and the names must be valid (nofile, nproc...).",
      "On Fargate, nofile can be raised up to 1048576; other ulimits are fixed. On EC2, the value cannot exceed the Docker daemon's limits.",
      "If the application leaks file descriptors, fix the leak rather than raising the limit.",
    ],
    docs: [DOCS.cannotStartContainer, DOCS.taskDefinitionParameters],
  },
  {
    category: "resource-limits",
    subCause: "host-memory-exhausted",
    when: /cannot allocate memory/,
    title,
    summary: () => "The container runtime could not allocate memory on the host to create the container.",
    remediation: () => [
      "Check the container instance's free memory; reserve memory for the OS and agent (ECS_RESERVED_MEMORY).",
      "Set memory limits on every container so tasks cannot overcommit the host.",
    ],
    docs: [DOCS.cannotStartContainer, DOCS.agentConfig],
  },
  {
    category: "resource-limits",
    subCause: "process-limit",
    when: /resource temporarily unavailable|pids limit|pids\.max/,
    title,
    summary: (c) => `${containerIn(c)} could not create a process or thread: a process limit was reached.`,
    remediation: () => [
      "Check the nproc ulimit and pidsLimit of the container, and the host's kernel.pid_max.",
      "Look for the application spawning processes or threads without bound.",
    ],
    docs: [DOCS.cannotStartContainer, DOCS.taskDefinitionParameters],
  },
];
