/**
 * storage: a volume (EFS, FSx, bind mount, Docker volume) could not be created or mounted.
 * A timed-out or reset EFS mount stays `storage` rather than `network`: its fixes are storage-specific (NFS port 2049
 * in the mount targets' security group). An EFS name that does not resolve is `network` (see network.ts).
 * runc failing to mount a volume into the container ("error mounting ... to rootfs") is `storage` too. containerd's
 * "mount callback failed" is not: it mounts the image itself to look up the `user` in /etc/passwd (start-failure).
 * Docker volumes on EC2 (dockerVolumeConfiguration) fail in their own ways: the driver plugin is not installed
 * ("plugin ... not found"), the driver cannot create or mount the volume (CannotCreateVolumeError, "VolumeDriver.Create",
 * "error while mounting volume ... failed to mount local volume" for local NFS/device volumes), and a bind mount's host
 * path cannot be created ("error while creating mount source path"). These are read before the EFS rules unless the
 * text names EFS. Sources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/docker-volumes.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html, moby/moby#30138 and
 * aws/amazon-ecs-agent#1209 (wordings).
 */
import { DOCS } from "../docs.js";
import { type RenderContext, type Rule, where } from "./rule.js";

export const STORAGE_CONTEXT =
  /cannotcreatevolumeerror|efs utils|efs-utils|mount\.nfs|amazon-efs-mount|\befs\b|\bfs-[0-9a-f]{8}|elasticfilesystem|fsap-[0-9a-f]|failed to (?:create|mount|attach)[^:]{0,60}volume|volume[^:]{0,60}(?:not found|failed|error)|mount error|failed to mount|error mounting .{0,300}to rootfs|rootfs_linux\.go:\d+: mounting|bind source path|invalid mount config|mount source path|error while mounting volume|failed to mount local volume|volumedriver\.|no such volume|volume plugin|\bfsx\b|volume ?driver|docker volume/;

const title = (what: string) => (c: RenderContext) => `Volume could not be mounted for ${where(c)}: ${what}`;

const efsDocs = [DOCS.efsVolumes, DOCS.efsMountTroubleshooting];

const EFS_NAMED = /\befs\b|efs-utils|amazon-efs|\bfs-[0-9a-f]{8}|fsap-[0-9a-f]|elasticfilesystem|\b2049\b/;

const DOCKER_VOLUMES_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/docker-volumes.html";
const dockerVolumeDocs = [DOCKER_VOLUMES_DOC, DOCS.taskDefinitionParameters];

const dockerVolumeRules: readonly Rule[] = [
  {
    category: "storage",
    subCause: "docker-volume-driver-missing",
    when: /plugin "?[\w./:-]+"? not found|volume plugin .{0,80}not found|error looking up volume plugin|no such volume driver|driver .{0,40}not (?:found|installed)/,
    title: title("volume driver plugin not installed"),
    summary: (c) =>
      `The Docker volume driver named in dockerVolumeConfiguration.driver is not installed on the container instance that ran ${where(c)}.`,
    remediation: () => [
      "Install and enable the volume plugin on every container instance (in user data or the AMI), e.g. docker plugin install, before the ECS agent starts tasks.",
      "Or place the task only on instances that have the plugin (a custom attribute and a placement constraint), or use the built-in `local` driver.",
    ],
    docs: dockerVolumeDocs,
  },
  {
    category: "storage",
    subCause: "bind-mount-source-failed",
    // Docker creates a missing host path for a bind mount; it fails when the host file system refuses the mkdir.
    when: /(?:creating|create) mount source path/,
    title: title("bind mount host path could not be created"),
    summary: () =>
      "A bind mount's host path (sourcePath) could not be created on the container instance (read-only or missing parent, or a path Docker may not create).",
    remediation: () => [
      "Create the sourcePath on every instance (user data) on a writable file system, or drop sourcePath to use a task-scoped volume.",
      "Make containerPath absolute and check each mountPoints.sourceVolume names a volume of the task definition.",
    ],
    docs: [DOCS.bindMounts, DOCS.taskDefinitionParameters],
  },
  {
    category: "storage",
    subCause: "docker-volume-failed",
    when: /volumedriver\.|error while mounting volume|failed to mount local volume|volume ?driver|docker volume|volume plugin|dockervolumeconfiguration|no such volume/,
    unless: EFS_NAMED,
    title: title("Docker volume could not be created or mounted"),
    summary: () =>
      "Docker could not create or mount a volume of the task (dockerVolumeConfiguration): the driver or its options failed on the container instance.",
    remediation: () => [
      "Check dockerVolumeConfiguration.driverOpts: for the local driver, `type`, `o` and `device` must mount by hand on the instance (mount -t TYPE -o O DEVICE /mnt).",
      "For NFS-backed volumes, allow TCP 2049 from the instance to the NFS server and check the export path exists; for block devices, check the device is attached.",
      "A shared-scope volume with autoprovision false must already exist on the instance; a task-scoped volume is created per task.",
    ],
    docs: dockerVolumeDocs,
  },
];

const rules: readonly Rule[] = [
  ...dockerVolumeRules,
  {
    category: "storage",
    subCause: "efs-mount-timeout",
    when: /timed out|timeout|connection reset|connection refused|port \[?2049\]? is closed/,
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
