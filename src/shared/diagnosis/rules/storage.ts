/**
 * storage: a volume (EFS, FSx, bind mount, Docker volume) could not be created or mounted.
 * A timed-out or reset EFS mount stays `storage` rather than `network`: its fixes are storage-specific (NFS port 2049
 * in the mount targets' security group). An EFS name that does not resolve is `network` (see network.ts).
 * runc failing to mount a volume into the container ("error mounting ... to rootfs") is `storage` too. containerd's
 * "mount callback failed" is not: it mounts the image itself to look up the `user` in /etc/passwd (start-failure).
 */
import { DOCS } from "../docs.js";
import { type RenderContext, type Rule, where } from "./rule.js";

export const STORAGE_CONTEXT =
  /cannotcreatevolumeerror|efs utils|efs-utils|mount\.nfs|amazon-efs-mount|\befs\b|\bfs-[0-9a-f]{8}|elasticfilesystem|fsap-[0-9a-f]|failed to (?:create|mount|attach)[^:]{0,60}volume|volume[^:]{0,60}(?:not found|failed|error)|mount error|failed to mount|error mounting .{0,300}to rootfs|rootfs_linux\.go:\d+: mounting|bind source path|invalid mount config|\bfsx\b|volume ?driver|docker volume/;

const title = (what: string) => (c: RenderContext) => `Volume could not be mounted for ${where(c)}: ${what}`;

const efsDocs = [DOCS.efsVolumes, DOCS.efsMountTroubleshooting];

const rules: readonly Rule[] = [
  {
    category: "storage",
    subCause: "efs-mount-timeout",
    when: /timed out|timeout|connection reset|connection refused/,
    title: title("EFS mount timed out"),
    summary: () =>
      "The NFS mount of the EFS file system timed out: the mount target's security group does not accept NFS (TCP 2049) from the task.",
    remediation: () => [
      "Allow inbound TCP 2049 on the EFS mount targets' security group from the task's security group (or the instances' on EC2 bridge mode).",
      "Allow outbound TCP 2049 from the task's security group and check network ACLs between the subnets.",
      "With transitEncryption ENABLED, also make sure the platform version is 1.4.0 or later on Fargate.",
    ],
    docs: efsDocs,
  },
  {
    category: "storage",
    subCause: "efs-access-denied",
    when: /access denied|permission denied|accessdenied|not authorized/,
    title: title("access denied by EFS"),
    summary: () =>
      "The file system refused the mount: its file system policy or access point does not allow this task, or IAM authorization is required and the task role lacks it.",
    remediation: () => [
      "With iam ENABLED, allow elasticfilesystem:ClientMount (and ClientWrite) for the task role in the role policy and the file system policy.",
      "Check the access point id belongs to the same file system and its root directory and POSIX user are valid.",
    ],
    docs: [DOCS.efsVolumes, DOCS.taskRole, DOCS.efsMountTroubleshooting],
  },
  {
    category: "storage",
    subCause: "bind-mount-invalid",
    when: /bind source path|invalid mount config|mount path .{0,40}(?:invalid|must be absolute)/,
    title: title("invalid bind mount"),
    summary: () => "A bind mount points at a host path that does not exist or is not allowed.",
    remediation: () => [
      "On EC2, create the host path (sourcePath) on every instance, e.g. in user data, or drop sourcePath to use a task-scoped volume.",
      "Make containerPath absolute and check the mountPoints reference an existing volume name.",
    ],
    docs: [DOCS.bindMounts, DOCS.taskDefinitionParameters],
  },
  {
    category: "storage",
    subCause: "docker-volume-failed",
    when: /volume ?driver|docker volume|volume plugin|dockervolumeconfiguration/,
    title: title("Docker volume driver"),
    summary: () => "The Docker volume could not be created by its volume driver on the container instance.",
    remediation: () => [
      "Check the volume driver plugin is installed and running on the instance, and the driver options are valid.",
      "Set autoprovision only for shared-scope volumes; a task-scoped volume is created per task.",
    ],
    docs: [DOCS.taskDefinitionParameters],
  },
  {
    category: "storage",
    subCause: "volume-mount-failed",
    when: STORAGE_CONTEXT,
    title: title("mount failed"),
    summary: () =>
      "A volume in the task definition could not be created or mounted, so the task did not start.",
    remediation: () => [
      "Check the volume definitions (file system ids, access points, host paths) and that every mountPoints.sourceVolume exists.",
      "For EFS: mount targets in each AZ, NFS 2049 allowed by the security groups, and the task role allowed to mount when IAM authorization is on.",
    ],
    docs: [DOCS.efsVolumes, DOCS.bindMounts, DOCS.stoppedTaskErrors],
  },
];

export const storageRules: readonly Rule[] = rules.map((rule) =>
  rule.when === STORAGE_CONTEXT ? rule : { ...rule, and: STORAGE_CONTEXT },
);
