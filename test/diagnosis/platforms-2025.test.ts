/**
 * Stop reasons of the 2025–2026 ECS platforms (issue 18 item 2): ECS Managed Instances, managed daemons, ECS Anywhere,
 * Windows containers and GPU tasks. Wordings are copied from the source cited beside each table; where no public
 * wording exists the test says so and drives the verdict through the task's fields (launchType, platformFamily,
 * a daemon task definition ARN, gpuIds) instead.
 */
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import { parseTask } from "../../src/shared/events/parse.js";
import { withHostEvidence } from "../../src/shared/hosts/stop-link.js";
import { exited, failedToStart, stoppedTask, type TaskPatch, taskReason } from "./task-builder.js";

const MI = { launchType: "MANAGED_INSTANCES", capacityProviderName: "mi-general" };
const EXTERNAL = { launchType: "EXTERNAL" };
const DRAIN = "Task stopped during instance draining";

type Row = [subCause: string, reason: string];

function verdict(d: Diagnosis): [string, string] {
  return [d.category, d.subCause];
}

function text(d: Diagnosis): string {
  return [d.title, d.summary, ...d.remediation].join("\n");
}

/** A stopped task as the real event's detail, with fields the task builder does not patch (platformFamily, gpuIds). */
function taskWith(
  patch: TaskPatch,
  extra: Record<string, unknown>,
  containerExtra: Record<string, unknown> = {},
) {
  const base = stoppedTask(patch) as unknown as Record<string, unknown> & { containers: object[] };
  return parseTask({
    ...base,
    ...extra,
    containers: base.containers.map((c) => ({ ...c, ...containerExtra })),
  });
}

describe("ECS Managed Instances", () => {
  // https://docs.aws.amazon.com/batch/latest/userguide/ecs-managed-instances-instance-draining.html
  it("reads the documented drain reason as the host's doing, with Managed Instances' fix, for a service task", () => {
    const task = stoppedTask({
      ...MI,
      stopCode: "ServiceSchedulerInitiated",
      stoppedReason: DRAIN,
      containers: [{ name: "web", exitCode: 143 }],
    });

    const d = diagnoseTask(task);

    expect(verdict(d)).toEqual(["platform", "instance-drained"]);
    expect(d.culprit).toBeUndefined();
    expect(d.severity).toBe("warning");
    expect(text(d)).toContain("14 days");
    expect(text(d)).toMatch(/critical managed daemon/);
  });

  it("reads the drain of a standalone job the same way and does not blame its container's SIGTERM exit", () => {
    const task = stoppedTask({
      ...MI,
      stopCode: null,
      stoppedReason: DRAIN,
      group: "family:nightly-report",
      startedBy: "aws-batch",
      containers: [{ name: "report", exitCode: 143 }],
    });

    const d = diagnoseTask(task);

    expect(verdict(d)).toEqual(["platform", "instance-drained"]);
    expect(d.culprit).toBeUndefined();
  });

  it("gives a drain on an EC2 container instance EC2's fix (who drained it), not Managed Instances'", () => {
    const task = stoppedTask({
      launchType: "EC2",
      stopCode: "ServiceSchedulerInitiated",
      stoppedReason: DRAIN,
      containers: [{ name: "web", exitCode: 143 }],
    });

    const d = diagnoseTask(task);

    expect(verdict(d)).toEqual(["platform", "instance-drained"]);
    expect(text(d)).toContain("UpdateContainerInstancesState");
    expect(text(d)).not.toContain("14 days");
  });

  // No public stop reason names Managed Instances replacing an instance: the EC2 host wordings on launch type
  // MANAGED_INSTANCES (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html).
  it.each([
    ["Host EC2 (instance i-0da6526579af3bd1b) terminated."],
    ["Host EC2 (instance i-0da6526579af3bd1b) stopped."],
    ["ECS agent disconnected"],
  ])("reads %s on Managed Instances as ECS replacing its own instance", (reason) => {
    const d = diagnoseTask(taskReason(reason, { ...MI, stopCode: null }));

    expect(verdict(d)).toEqual(["platform", "managed-instance-replaced"]);
    expect(text(d)).toContain("no Auto Scaling group");
  });

  it("keeps the Auto Scaling advice for the same host wording on EC2", () => {
    const d = diagnoseTask(
      taskReason("Host EC2 (instance i-0da6526579af3bd1b) terminated.", { launchType: "EC2" }),
    );

    expect(verdict(d)).toEqual(["platform", "host-terminated"]);
    expect(text(d)).toContain("Auto Scaling");
  });

  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html (RESOURCE:*) and the
  // Fargate capacity wording of the corpus; on Managed Instances the fix is the capacity provider's instanceRequirements.
  it.each([
    ["TaskFailedToStart: RESOURCE:MEMORY"],
    ["RESOURCE:CPU"],
    ["Capacity is unavailable at this time. Please try again later or in a different availability zone"],
  ])("points %s on Managed Instances at the capacity provider's instanceRequirements", (reason) => {
    const d = diagnoseTask(taskReason(reason, MI));

    expect(verdict(d)).toEqual(["placement", "managed-instance-capacity-unavailable"]);
    expect(text(d)).toContain("instanceRequirements");
  });

  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-profile.html: "a mismatched
  // name causes an authorization error at task launch". The denial's wording is IAM's standard one; no Managed
  // Instances stop reason quoting it is public, so the launch type tells the infrastructure role apart.
  const PASS_ROLE =
    "User: arn:aws:sts::123456789012:assumed-role/ecsInfrastructureRole/ECS is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/MyStack-InstanceRole-ABC123";

  it("names the infrastructure role and the ecsInstanceRole naming rule for a PassRole denial on Managed Instances", () => {
    const d = diagnoseTask(taskReason(PASS_ROLE, MI));

    expect(verdict(d)).toEqual(["iam", "infrastructure-role-denied"]);
    expect(d.culprit).toBeUndefined();
    expect(text(d)).toContain("ecsInstanceRole");
  });

  it("leaves a PassRole denial elsewhere to the caller that started the task", () => {
    const d = diagnoseTask(taskReason(PASS_ROLE, { launchType: "FARGATE" }));

    expect(verdict(d)).toEqual(["iam", "pass-role-denied"]);
  });

  it("reads an EC2 launch action denied at task launch on Managed Instances as the infrastructure role's", () => {
    const reason =
      "User: arn:aws:sts::123456789012:assumed-role/ecsInfrastructureRole/ECS is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/*";

    const d = diagnoseTask(taskReason(reason, MI));

    expect(verdict(d)).toEqual(["iam", "infrastructure-role-denied"]);
    expect(text(d)).toContain("ec2:RunInstances");
  });
});

describe("managed daemons", () => {
  // The daemon task definition ARN shape of the documented ECS Daemon Service Action event
  // (/work/shared/ecs-events/daemon-service-action-task-failed-to-run.doc.json).
  const DAEMON_TD = "arn:aws:ecs:us-west-2:123456789012:daemon-task-definition/my-daemon-td:1";

  it("keeps a daemon task's own cause and says its stop drains the instance, naming the daemon", () => {
    const base = failedToStart(
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-west-2.amazonaws.com/agent:v2: 123456789012.dkr.ecr.us-west-2.amazonaws.com/agent:v2: not found",
      MI,
    );
    const task = parseTask({ ...base, taskDefinitionArn: DAEMON_TD });

    const d = diagnoseTask(task);

    expect(d.category).toBe("image-pull");
    expect(d.summary).toContain("managed daemon `my-daemon-td`");
    expect(d.evidence).toContain("Managed daemon task (daemon task definition my-daemon-td)");
    expect(d.remediation.at(-1)).toContain("Fix daemon `my-daemon-td` first");
  });

  it("says nothing about daemons for an ordinary task definition", () => {
    const d = diagnoseTask(exited(1, undefined, MI));

    expect(text(d)).not.toMatch(/daemon/i);
  });

  it("names the daemon behind a drain when the host's DAEMON check said which one", () => {
    const drained = diagnoseTask(
      stoppedTask({ ...MI, stopCode: "ServiceSchedulerInitiated", stoppedReason: DRAIN }),
    );
    // As hosts/message.ts records an IMPAIRED DAEMON check ("TYPE — statusReason"); the statusReason text of a
    // DAEMON check is not documented, so this one is a placeholder naming the daemon.
    const impairment = {
      containerInstanceArn:
        "arn:aws:ecs:us-west-2:123456789012:container-instance/my-cluster/a1b2c3d4EXAMPLE",
      ec2InstanceId: "i-0abcdef1234567890",
      status: "IMPAIRED",
      since: "2026-07-29T22:34:13Z",
      problems: ["DAEMON — daemon my-daemon: task stopped"],
    };

    const linked = withHostEvidence(drained, impairment);

    expect(linked.evidence.at(-1)).toContain("DAEMON — daemon my-daemon");
    expect(linked.remediation[0]).toContain("i-0abcdef1234567890 was IMPAIRED");
  });
});

describe("ECS Anywhere (EXTERNAL)", () => {
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html (AGENT); no ECS Anywhere
  // specific wording is public, so the launch type selects the on-premises fix.
  it.each([["TaskFailedToStart: AGENT"], ["AGENT"]])(
    "sends %s on an external instance to the host's ECS and SSM agents",
    (reason) => {
      const d = diagnoseTask(taskReason(reason, EXTERNAL));

      expect(verdict(d)).toEqual(["placement", "external-instance-disconnected"]);
      expect(text(d)).toContain("amazon-ssm-agent");
    },
  );

  // The AGENT_CONNECTIVITY statusReason of the documented health event, as a stop reason (placeholder).
  it("reads a disconnected agent on an external instance as the on-premises host's problem", () => {
    const d = diagnoseTask(
      taskReason("Agent disconnected since 2026-07-29T22:34:13Z", { ...EXTERNAL, stopCode: null }),
    );

    expect(verdict(d)).toEqual(["platform", "external-instance-disconnected"]);
    expect(d.culprit).toBeUndefined();
  });

  it("leaves the AGENT rejection on EC2 as it was", () => {
    const d = diagnoseTask(taskReason("TaskFailedToStart: AGENT", { launchType: "EC2" }));

    expect(verdict(d)).toEqual(["placement", "placement-rejected"]);
  });
});

describe("Windows containers", () => {
  const OS_MISMATCH: Row[] = [
    // microsoft/dotnet-framework-docker#1265
    [
      "windows-version-mismatch",
      "CannotStartContainerError: Error response from daemon: hcsshim::CreateComputeSystem f0e8722996e015f45c72a2baf0e772ddf28ae6b37bbd5ed93af03358298acdbf: The container operating system does not match the host operating system.",
    ],
    // moby/moby#35462
    [
      "windows-version-mismatch",
      "CannotStartContainerError: Error response from daemon: container 328b4c258cd9 encountered an error during CreateContainer: failure in a Windows system call: The operating system of the container does not match the operating system of the host. (0xc0370101)",
    ],
    // dr1rrb/docker-plex-win#4
    [
      "windows-version-mismatch",
      "CannotStartContainerError: Error response from daemon: hcs::CreateComputeSystem c28381481df9: The container operating system does not match the host operating system.",
    ],
  ];

  it.each(OS_MISMATCH)("blames the image's Windows version (%s) for: %s", (subCause, reason) => {
    const d = diagnoseTask(failedToStart(reason, { launchType: "EC2" }));

    expect(verdict(d)).toEqual(["start-failure", subCause]);
    expect(d.culprit?.name).toBe("web");
    expect(text(d)).toContain("ltsc2022");
  });

  it.each([
    // aws-samples/aws-ecs-windows-aspnet#2
    [
      "CannotPullContainerError: a Windows version 10.0.16299-based image is incompatible with a 10.0.14393 host",
    ],
    // ministryofjustice/modernisation-platform-environments#427 (cut with … as quoted)
    [
      "CannotPullContainerError: a Windows version 10.0.203…48-based image is incompatible with a 10.0.17763 host",
    ],
  ])("reads a pull refused for the host's Windows version as image-pull: %s", (reason) => {
    const d = diagnoseTask(failedToStart(reason));

    expect(verdict(d)).toEqual(["image-pull", "windows-version-mismatch"]);
  });

  it.each([
    // microsoft/hcsshim#598
    [
      "CannotStartContainerError: Error response from daemon: container 6d1c0d7e5a0f encountered an error during Start: failure in a Windows system call: The compute system exited unexpectedly. (0xc0370106)",
    ],
    // moby/moby#40972
    [
      "CannotStartContainerError: Error response from daemon: hcsshim::CreateComputeSystem 7ddc29884f4c: The virtual machine could not be started because a required feature is not installed.",
    ],
    // moby/moby#42853
    [
      "CannotStartContainerError: starting container failed: hcsshim::CreateComputeSystem db52129222872ce9: The request is not supported.",
    ],
  ])("reads a Host Compute Service failure as the host's runtime: %s", (reason) => {
    const d = diagnoseTask(failedToStart(reason, { launchType: "EC2" }));

    expect(verdict(d)).toEqual(["platform", "windows-compute-service-failed"]);
    expect(text(d)).toContain("vmcompute");
  });

  // microsoft/hcsshim#674: a missing executable is the image's fault even when HCS reports it.
  it("reads a missing Windows executable as the entrypoint, not the host", () => {
    const reason =
      'CannotStartContainerError: hcsshim::ComputeSystem::CreateProcess - Begin Operation: Error 80070002 ("The system cannot find the file specified")';

    const d = diagnoseTask(failedToStart(reason));

    expect(verdict(d)).toEqual(["start-failure", "entrypoint-not-found"]);
  });

  // aws/amazon-ecs-agent agent/taskresource/credentialspec/credentialspec_windows.go (terminal reasons).
  it.each([
    ["credentialspec resource: unable to find execution role credentials", "execution role"],
    ["credentialspec resource location not available", "S3 object ARN or SSM parameter ARN"],
  ])("reads the gMSA credential spec failure %s as secrets, with the matching fix", (reason, fix) => {
    const d = diagnoseTask(taskReason(reason));

    expect(verdict(d)).toEqual(["secrets", "gmsa-credential-spec-failed"]);
    expect(d.remediation[0]).toContain(fix);
  });

  const EXIT_CODES: [code: number, subCause: string][] = [
    [3221225786, "windows-ctrl-shutdown"],
    [-1073741510, "windows-ctrl-shutdown"],
    [1067, "windows-process-aborted"],
    [3221225477, "windows-access-violation"],
    [3221225781, "windows-dll-not-found"],
    [3221226505, "windows-fail-fast"],
    [3221225794, "windows-ntstatus-error"],
  ];

  it.each(EXIT_CODES)("names Windows exit code %d (%s)", (code, subCause) => {
    const d = diagnoseTask(exited(code));

    expect(verdict(d)).toEqual(["app-exit", subCause]);
    expect(d.culprit?.exitCode).toBe(code);
  });

  it("treats 3221225786 on a scheduler stop as ECS stopping the container, like 143", () => {
    const task = stoppedTask({
      stopCode: "ServiceSchedulerInitiated",
      stoppedReason: "Scaling activity initiated by (deployment ecs-svc/9909299324976484585)",
      containers: [{ name: "iis", exitCode: 3221225786 }],
    });

    const d = diagnoseTask(task);

    expect(d.category).toBe("scaling");
    expect(d.evidence.join("\n")).toContain("stopped by ECS");
  });

  it("blames the container that crashed, not the sidecar Windows stopped afterwards", () => {
    const task = stoppedTask({
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      containers: [
        { name: "log-forwarder", exitCode: 3221225786 },
        { name: "api", exitCode: 3221225477 },
      ],
    });

    const d = diagnoseTask(task);

    expect(d.culprit?.name).toBe("api");
    expect(d.subCause).toBe("windows-access-violation");
  });
});

describe("GPU tasks", () => {
  // aws/amazon-ecs-agent#3852 ("Reasons : [\"RESOURCE:GPU\"]") in the documented TaskFailedToStart: RESOURCE:* form.
  it.each([["RESOURCE:GPU"], ["TaskFailedToStart: RESOURCE:GPU"]])(
    "reads %s as no free GPU, with the GPU AMI and ECS_ENABLE_GPU_SUPPORT in the fix",
    (reason) => {
      const d = diagnoseTask(taskReason(reason, { launchType: "EC2" }));

      expect(verdict(d)).toEqual(["placement", "gpu-unavailable"]);
      expect(text(d)).toContain("ECS_ENABLE_GPU_SUPPORT=true");
    },
  );

  it("asks Managed Instances for GPU instance types through instanceRequirements", () => {
    const d = diagnoseTask(taskReason("TaskFailedToStart: RESOURCE:GPU", MI));

    expect(verdict(d)).toEqual(["placement", "gpu-unavailable"]);
    expect(text(d)).toContain("acceleratorCount");
  });

  it("asks an ECS Anywhere host for the NVIDIA runtime and GPU support at registration", () => {
    const d = diagnoseTask(taskReason("TaskFailedToStart: RESOURCE:GPU", EXTERNAL));

    expect(text(d)).toContain("nvidia-container-runtime");
  });

  it("names the containers that held GPUs in the evidence", () => {
    const task = taskWith(
      { stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited" },
      {},
      { name: "trainer", exitCode: 1, gpuIds: ["GPU-1a2b3c4d-0000-0000-0000-000000000000"] },
    );

    const d = diagnoseTask(task);

    expect(d.evidence).toContain("GPUs assigned to: trainer");
  });

  // container-instance-health: an impaired ACCELERATED_COMPUTE check carries the NVIDIA Xid as XID_<number>.
  it("links a stop on a host with an impaired GPU to the Xid the host reported", () => {
    const d = diagnoseTask(exited(139));
    const impairment = {
      containerInstanceArn: "arn:aws:ecs:us-west-2:123456789012:container-instance/gpu/abc",
      ec2InstanceId: "i-0123456789abcdef0",
      status: "IMPAIRED",
      since: "2026-07-29T22:34:13Z",
      problems: ["ACCELERATED_COMPUTE — XID_79"],
    };

    const linked = withHostEvidence(d, impairment);

    expect(linked.evidence.at(-1)).toContain("ACCELERATED_COMPUTE — XID_79");
  });
});
