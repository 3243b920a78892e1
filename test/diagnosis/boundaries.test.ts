/**
 * Boundaries between causes that read alike (issue 18, item 3): a registry that cannot be reached vs an image that
 * does not exist vs a refused pull; a full disk while layers are extracted; Docker volume and mount errors; image
 * references that do not parse; the host's container runtime failing. Wordings are from the AWS pages and public
 * issues cited beside each table, on Fargate (containerd: "ref pull has been retried", "failed to resolve ref") and
 * EC2 (Docker: "Error response from daemon", "API error (500)").
 */
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { failedToStart } from "./task-builder.js";

const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const EC2 = { launchType: "EC2" };

type Row = [category: string, subCause: string, reason: string];

function verdict(reason: string, patch = {}) {
  const d = diagnoseTask(failedToStart(reason, patch));
  return [d.category, d.subCause];
}

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html and
// aws/containers-roadmap#1096, aws/amazon-ecs-agent#1128, #2030, moby/moby#35198 (wordings), adapted registry names.
const UNREACHABLE: Row[] = [
  [
    "network",
    "no-route-to-ecr",
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/api:v1: failed to do request: Head "https://${ECR}/v2/api/manifests/v1": dial tcp 10.0.1.7:443: i/o timeout`,
  ],
  [
    "network",
    "no-route-to-registry",
    `CannotPullContainerError: ref pull has been retried 5 time(s): failed to resolve reference "docker.io/library/nginx:1.27": failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/1.27": dial tcp 54.236.113.205:443: i/o timeout`,
  ],
  [
    "network",
    "no-route-to-registry",
    "CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
  ],
  [
    "network",
    "no-route-to-registry",
    "CannotPullContainerError: Error response from daemon: Get https://ghcr.io/v2/: net/http: TLS handshake timeout",
  ],
  [
    "network",
    "no-route-to-registry",
    'CannotPullContainerError: Error response from daemon: Get "https://quay.io/v2/": dial tcp 3.216.152.103:443: connect: no route to host',
  ],
  [
    "network",
    "dns-resolution-failed",
    'CannotPullContainerError: Error response from daemon: Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com on 10.0.0.2:53: no such host',
  ],
  [
    "network",
    "dns-resolution-failed",
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve ref ${ECR}/api:v1: failed to do request: Head "https://${ECR}/v2/api/manifests/v1": dial tcp: lookup ${ECR}: Temporary failure in name resolution`,
  ],
  [
    "network",
    "no-route-to-s3",
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/abc/def": dial tcp 52.217.1.1:443: i/o timeout`,
  ],
  [
    "network",
    "no-route-to-registry",
    "CannotPullContainerError: Error response from daemon: Get https://registry.gitlab.com/v2/: dial tcp 35.227.35.254:443: connect: connection refused",
  ],
  [
    "network",
    "no-route-to-registry",
    'CannotPullContainerError: Error response from daemon: Head "https://registry-1.docker.io/v2/library/redis/manifests/7": read tcp 10.0.1.5:44312->54.236.113.205:443: read: connection reset by peer',
  ],
];

const NOT_FOUND: Row[] = [
  [
    "image-pull",
    "image-not-found",
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/api:v9: ${ECR}/api:v9: not found`,
  ],
  [
    "image-pull",
    "image-not-found",
    'CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve reference "docker.io/library/nginx:1.999": docker.io/library/nginx:1.999: not found',
  ],
  [
    "image-pull",
    "image-not-found",
    "CannotPullContainerError: Error response from daemon: manifest for nginx:1.999 not found: manifest unknown: manifest unknown",
  ],
  [
    "image-pull",
    "image-not-found",
    `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/api:v9 not found: manifest unknown: Requested image not found`,
  ],
  [
    "image-pull",
    "repository-not-found",
    `CannotPullContainerError: Error response from daemon: repository ${ECR}/billing not found: name unknown: The repository with name 'billing' does not exist in the registry with id '123456789012'`,
  ],
  [
    "image-pull",
    "image-not-found",
    "CannotPullContainerError: failed to resolve ref ghcr.io/acme/api:v3: ghcr.io/acme/api:v3: not found: manifest unknown",
  ],
];

const REFUSED: Row[] = [
  [
    "image-pull",
    "pull-access-denied",
    "CannotPullContainerError: Error response from daemon: pull access denied for acme/private-api, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
  ],
  [
    // The task's own account: the execution role is what lacks the ECR permission.
    "iam",
    "execution-role-ecr-pull",
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/api:v1: pulling from host ${ECR} failed with status code [manifests v1]: 403 Forbidden`,
  ],
  [
    "image-pull",
    "access-denied",
    'CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve reference "ghcr.io/acme/api:v1": unexpected status from HEAD request to https://ghcr.io/v2/acme/api/manifests/v1: 403 Forbidden',
  ],
  [
    "image-pull",
    "registry-unavailable",
    "CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: received unexpected HTTP status: 503 Service Unavailable",
  ],
  [
    "image-pull",
    "registry-authentication-failed",
    'CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve reference "ghcr.io/acme/api:v1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fapi%3Apull: 401 Unauthorized',
  ],
  [
    "image-pull",
    "registry-authentication-failed",
    "CannotPullContainerError: Error response from daemon: Get https://registry.gitlab.com/v2/acme/api/manifests/v1: unauthorized: HTTP Basic: Access denied",
  ],
  [
    "image-pull",
    "registry-credentials-missing",
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/api/manifests/v1: no basic auth credentials`,
  ],
];

const UNPARSABLE: Row[] = [
  [
    "image-pull",
    "invalid-image-reference",
    "CannotPullContainerError: Error response from daemon: invalid reference format: repository name must be lowercase",
  ],
  [
    "image-pull",
    "invalid-image-reference",
    'CannotPullContainerError: failed to parse image reference "Acme/API:v1": invalid reference format',
  ],
  [
    "image-pull",
    "invalid-image-reference",
    'CannotPullContainerError: Error parsing reference: "nginx:latest " is not a valid repository/tag: invalid reference format',
  ],
  [
    "image-pull",
    "invalid-image-reference",
    "CannotCreateContainerError: Error response from daemon: invalid reference format: repository name (library/MyApp) must be lowercase",
  ],
  ["image-pull", "invalid-image-reference", "invalid reference format"],
];

describe("a registry that cannot be reached is network, whatever the registry", () => {
  it.each(UNREACHABLE)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason)).toEqual([category, subCause]);
    expect(verdict(reason, EC2)).toEqual([category, subCause]);
  });
});

describe("an image that does not exist is image-pull, not network", () => {
  it.each(NOT_FOUND)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason)).toEqual([category, subCause]);
  });
});

describe("a registry that refuses the pull is image-pull access or authentication", () => {
  it.each(REFUSED)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason)).toEqual([category, subCause]);
  });
});

describe("an image reference that does not parse", () => {
  it.each(UNPARSABLE)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason)).toEqual([category, subCause]);
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html (disk space),
// moby/moby#38520, containerd/containerd#4581, microsoft/Windows-Containers#110 (Windows wording), adapted paths.
const DISK_FULL: Row[] = [
  [
    "resource-limits",
    "disk-full",
    "CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /var/lib/docker/overlay2/3f1c/diff/usr/lib/libx.so: no space left on device",
  ],
  [
    "resource-limits",
    "disk-full",
    "CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:7c52: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/86/fs/usr/lib/x.so: no space left on device: unknown",
  ],
  [
    "resource-limits",
    "disk-full",
    "CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:abc: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/opt/app/model.bin",
  ],
  [
    "resource-limits",
    "disk-full",
    "CannotPullContainerError: Error response from daemon: failed to register layer: Error processing tar file(exit status 1): There is not enough space on the disk.",
  ],
  [
    "resource-limits",
    "disk-full",
    "CannotPullContainerError: failed to register layer: re-exec error: exit status 1: output: ProcessUtilityVMImage C:\\ProgramData\\docker\\windowsfilter\\abc\\UtilityVM: There is not enough space on the disk.",
  ],
];

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/docker-volumes.html, bind-mounts.html; moby/moby#30138,
// rexray/rexray#1100 (plugin wording), adapted volume names.
const VOLUMES: Row[] = [
  [
    "storage",
    "docker-volume-failed",
    "CannotCreateContainerError: Error response from daemon: error while mounting volume '/var/lib/docker/volumes/ecs-app-1-data/_data': failed to mount local volume: mount :/exports/data:/var/lib/docker/volumes/ecs-app-1-data/_data, data: addr=10.0.0.5: connection timed out",
  ],
  [
    "storage",
    "docker-volume-failed",
    "CannotCreateContainerError: Error response from daemon: error while mounting volume '/var/lib/docker/volumes/x/_data': failed to mount local volume: mount /dev/xvdf:/var/lib/docker/volumes/x/_data: no such file or directory",
  ],
  [
    "storage",
    "docker-volume-driver-missing",
    'CannotCreateVolumeError: Error response from daemon: plugin "rexray/ebs" not found',
  ],
  [
    "storage",
    "docker-volume-driver-missing",
    "CannotCreateContainerError: Error response from daemon: error looking up volume plugin netapp: plugin not found",
  ],
  [
    "storage",
    "bind-mount-source-failed",
    "CannotStartContainerError: Error response from daemon: error while creating mount source path '/data/app': mkdir /data: read-only file system",
  ],
  [
    "storage",
    "bind-mount-invalid",
    'CannotCreateContainerError: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /mnt/efs/app',
  ],
  [
    "storage",
    "efs-mount-timeout",
    "CannotCreateVolumeError: Error response from daemon: create ecs-app-1-efs: VolumeDriver.Create: mounting volume failed: Specified port [2049] is closed on host",
  ],
];

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html, NVIDIA/nvidia-docker#1225,
// NVIDIA/nvidia-container-toolkit#154, moby/moby#40835, containerd/containerd#6021.
const HOST_RUNTIME: Row[] = [
  [
    "platform",
    "gpu-runtime-failed",
    'CannotStartContainerError: Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused "process_linux.go:449: container init caused \\"process_linux.go:432: running prestart hook 0 caused \\\\\\"error running hook: exit status 1, stdout: , stderr: nvidia-container-cli: initialization error: nvml error: driver not loaded\\\\\\"\\"": unknown',
  ],
  [
    "platform",
    "gpu-runtime-failed",
    'CannotStartContainerError: Error response from daemon: could not select device driver "" with capabilities: [[gpu]]',
  ],
  [
    "platform",
    "gpu-runtime-failed",
    "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy' nvidia-container-cli: mount error: file creation failed: /var/lib/docker/overlay2/x/merged/usr/bin/nvidia-smi: file exists: unknown",
  ],
  [
    "start-failure",
    "runtime-hook-failed",
    "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #1: error running hook: exit status 2, stdout: , stderr: : unknown",
  ],
  [
    "platform",
    "container-runtime-unavailable",
    "CannotCreateContainerError: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
  ],
  [
    "platform",
    "container-runtime-unavailable",
    "CannotCreateContainerError: Error response from daemon: dial unix /run/containerd/containerd.sock: connect: connection refused",
  ],
  [
    "platform",
    "container-runtime-unavailable",
    "CannotStartContainerError: Error response from daemon: failed to create task for container: failed to create shim task: ttrpc: closed: unknown",
  ],
  [
    "platform",
    "container-runtime-error",
    'CannotStartContainerError: Error response from daemon: OCI runtime create failed: container_linux.go:345: starting container process caused "process_linux.go:303: getting the final child\'s pid from pipe caused \\"EOF\\"": unknown',
  ],
  [
    "platform",
    "container-runtime-error",
    "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error setting cgroup config for procHooks process: unable to freeze: unknown",
  ],
];

// The same runtime wordings with the application at fault stay start-failure / image-pull.
const APPLICATION_AT_FAULT: Row[] = [
  [
    "start-failure",
    "entrypoint-not-found",
    'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/start.sh": stat /app/start.sh: no such file or directory: unknown',
  ],
  [
    "image-pull",
    "platform-mismatch",
    "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec format error: unknown",
  ],
];

describe("a full disk while layers are extracted is resource-limits, on Linux and Windows hosts", () => {
  it.each(DISK_FULL)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason, EC2)).toEqual([category, subCause]);
  });

  it("tells a Fargate task to raise its ephemeral storage and an EC2 task to grow the instance's volume", () => {
    const reason = DISK_FULL[0]?.[2] ?? "";

    const fargate = diagnoseTask(failedToStart(reason, { launchType: "FARGATE" }));
    const ec2 = diagnoseTask(failedToStart(reason, EC2));

    expect(fargate.remediation.join(" ")).toContain("ephemeralStorage");
    expect(ec2.remediation.join(" ")).toContain("EBS volume");
  });

  it("tells a Windows host to grow its C: volume", () => {
    const diagnosis = diagnoseTask(failedToStart(DISK_FULL[3]?.[2] ?? "", EC2));

    expect(diagnosis.remediation.join(" ")).toContain("C:");
  });
});

describe("Docker volume and mount errors on EC2 are storage sub-causes", () => {
  it.each(VOLUMES)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason, EC2)).toEqual([category, subCause]);
  });
});

describe("the host's container runtime failing is platform, with the host to fix", () => {
  it.each(HOST_RUNTIME)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason, EC2)).toEqual([category, subCause]);
  });

  it("names the container it failed to start and tells the operator to fix the host", () => {
    const diagnosis = diagnoseTask(failedToStart(HOST_RUNTIME[0]?.[2] ?? "", EC2));

    expect(diagnosis.culprit?.name).toBe("web");
    expect(diagnosis.title).toContain("Container runtime on the host");
    expect(diagnosis.remediation.join(" ")).toContain("instance");
  });
});

describe("runtime wordings that blame the image or the task definition stay with them", () => {
  it.each(APPLICATION_AT_FAULT)("%s / %s: %s", (category, subCause, reason) => {
    expect(verdict(reason, EC2)).toEqual([category, subCause]);
  });
});
