import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { exited, failedToStart, stoppedTask, taskReason } from "./task-builder.js";

describe("storage rules", () => {
  it.each([
    [
      "efs-mount-timeout",
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: Connection timed out' : unsuccessful EFS utils command execution; code: 32",
    ],
    [
      "efs-mount-timeout",
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection reset by peer : unsuccessful EFS utils command execution; code: 32",
    ],
    [
      "efs-access-denied",
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting 127.0.0.1:/'",
    ],
    [
      "docker-volume-failed",
      "CannotCreateContainerError: Error response from daemon: create ecs-app-12-data: VolumeDriver.Create: mounting volume failed: Error retrieving region",
    ],
    [
      "bind-mount-invalid",
      'CannotStartContainerError: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /data',
    ],
    ["volume-mount-failed", "CannotCreateVolumeError: failed to create volume"],
  ])("returns storage / %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(taskReason(reason));

    expect(diagnosis.category).toBe("storage");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it("tells to open NFS port 2049 for a timed-out EFS mount", () => {
    const diagnosis = diagnoseTask(
      taskReason(
        "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: Connection timed out'",
      ),
    );

    expect(diagnosis.remediation[0]).toContain("2049");
  });
});

describe("log-driver rules", () => {
  it.each([
    [
      "log-group-missing",
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.",
    ],
    [
      "log-group-missing",
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
    ],
    [
      "log-driver-credentials",
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: CredentialsEndpointError: failed to load credentials caused by: RequestError: send request failed caused by: Get http://169.254.170.2/v2/credentials/abc: dial tcp 169.254.170.2:80: connect: connection refused",
    ],
    [
      "firelens-failed",
      "CannotStartContainerError: failed to initialize logging driver: firelens: fluent bit configuration error",
    ],
    [
      "log-driver-failed",
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: MissingEndpoint: 'Endpoint' configuration is required for this service",
    ],
  ])("returns log-driver / %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(exited(null, reason));

    expect(diagnosis.category).toBe("log-driver");
    expect(diagnosis.subCause).toBe(subCause);
  });
});

describe("resource-limits rules", () => {
  it.each([
    [
      "disk-full",
      "CannotPullContainerError: write /var/lib/docker/tmp/GetImageBlob111111111: no space left on device",
    ],
    [
      "docker-thin-pool-full",
      "CannotCreateContainerError: API error (500): devmapper: Thin Pool has 4350 free data blocks which is less than minimum required 4454 free data blocks. Create more free space in thin pool or use dm.min_free_space option to change behavior",
    ],
    ["ulimit", "CannotStartContainerError: Error response from daemon: ulimit: invalid value for nofile"],
    ["ulimit", "CannotPullContainerError: dial unix /var/run/docker.sock: too many open files"],
    [
      "ulimit",
      "CannotPullECRContainerError: RequestError: send request failed caused by: Post https://ecr.us-east-1.amazonaws.com/: dial tcp: lookup ecr.us-east-1.amazonaws.com on 10.0.0.2:53: dial udp 10.0.0.2:53: too many open files",
    ],
  ])("returns resource-limits / %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("resource-limits");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it("suggests ephemeral storage on Fargate and instance disk on EC2 for a full disk", () => {
    const reason = "CannotPullContainerError: failed to register layer: no space left on device";

    const fargate = diagnoseTask(failedToStart(reason, { launchType: "FARGATE" }));
    const ec2 = diagnoseTask(failedToStart(reason, { launchType: "EC2" }));

    expect(fargate.remediation[0]).toContain("ephemeralStorage");
    expect(ec2.remediation[0]).not.toContain("ephemeralStorage");
  });
});

describe("start-failure rules", () => {
  it.each([
    [
      "entrypoint-not-found",
      'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "python": executable file not found in $PATH: unknown',
    ],
    [
      "entrypoint-not-executable",
      'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/start.sh": permission denied: unknown',
    ],
    [
      "environment-file-failed",
      "ResourceInitializationError: failed to download env files: file download command: non empty error stream: NoSuchKey: The specified key does not exist.",
    ],
    ["container-start-failed", "CannotCreateContainerError: API error (500): Untar"],
  ])("returns start-failure / %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("start-failure");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it("returns start-failure for TaskFailedToStart without any reason", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({ stopCode: "TaskFailedToStart", stoppedReason: null, containers: [{ name: "web" }] }),
    );

    expect(diagnosis.category).toBe("start-failure");
    expect(diagnosis.subCause).toBe("failed-to-start-without-reason");
  });

  it("returns out-of-memory when a container start failure says the init process was OOM-killed", () => {
    const reason =
      "CannotStartContainerError: Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: container init was OOM-killed (memory limit too low?): unknown";

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("out-of-memory");
  });
});
