/**
 * Windows containers: what their stop reasons and exit codes mean. The vendor's rules and the wordings:
 * - The image's Windows build must match the host's for process isolation: "The container operating system does not
 *   match the host operating system" (hcsshim::CreateComputeSystem, microsoft/dotnet-framework-docker#1265,
 *   moby/moby#35462 "…operating system of the container does not match the operating system of the host.
 *   (0xc0370101)") and, at pull time, "a Windows version 10.0.16299-based image is incompatible with a 10.0.14393
 *   host" (aws-samples/aws-ecs-windows-aspnet#2); the fix: MicrosoftDocs/azure-docs#80847 and
 *   https://learn.microsoft.com/en-us/virtualization/windowscontainers/deploy-containers/update-containers
 * - The Host Compute Service failing on the host: "failure in a Windows system call: The compute system exited
 *   unexpectedly. (0xc0370106)" (microsoft/hcsshim#598), "hcsshim::CreateComputeSystem …: The virtual machine could
 *   not be started because a required feature is not installed" (moby/moby#40972), "Insufficient system resources
 *   exist to complete the requested service" (microsoft/hcsshim#437).
 * - gMSA credential specs (Active Directory identity): the ECS agent's terminal reasons, e.g. "credentialspec
 *   resource: unable to find execution role credentials" (aws/amazon-ecs-agent
 *   agent/taskresource/credentialspec/credentialspec_windows.go, which also reads the spec from S3 or SSM with the
 *   execution role: aws/amazon-ecs-agent#2262, #3682); https://docs.aws.amazon.com/AmazonECS/latest/developerguide/linux-gmsa.html
 * - Exit codes are NTSTATUS / Win32 values: 3221225786 = 0xC000013A STATUS_CONTROL_C_EXIT, what a Windows container
 *   exits with when it is stopped (CTRL_SHUTDOWN_EVENT, the counterpart of SIGTERM: microsoft/dotnet-framework-docker#431,
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html); 1067 = ERROR_PROCESS_ABORTED;
 *   0xC0000005 access violation, 0xC0000135 DLL not found, 0xC0000409 fail-fast (moby/moby#40328):
 *   https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-erref/596a1078-e883-4972-9bbc-49e60bebca55 and
 *   https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--1000-1299-
 */
import { DOCS } from "../docs.js";
import { containerIn, type RenderContext, type Rule, theContainer, where } from "./rule.js";

const VERSION_MISMATCH_DOCS =
  "https://learn.microsoft.com/en-us/virtualization/windowscontainers/deploy-containers/update-containers#troubleshoot-host-and-container-image-mismatches";
const GMSA_DOCS =
  "https://learn.microsoft.com/en-us/virtualization/windowscontainers/manage-containers/manage-serviceaccounts";

/** Tested once per text for all Windows rules: most texts are not about Windows and skip them all. */
const WINDOWS_CONTEXT = /windows|hcs|operating system|0xc037|credential ?spec|\bgmsa\b/;

const OS_MISMATCH =
  /container operating system does not match the host operating system|operating system of the container does not match the operating system of the host|0xc0370101/;

const versionSteps = (): string[] => [
  "Use an image tag built for the host's Windows Server version (e.g. ltsc2022 on Windows Server 2022 hosts, ltsc2019 on 2019): process-isolated containers need the same build as the host.",
  "Or move the task to container instances of the image's version (an ECS-optimized Windows AMI of that release, and a placement constraint on attribute ecs.os-family / ecs.os-type).",
  "Pin the base image tag (not a floating one such as 4.8) so an upstream rebuild for a newer Windows does not reach old hosts.",
];

export const windowsStartRules: readonly Rule[] = [
  {
    category: "start-failure",
    subCause: "windows-version-mismatch",
    and: WINDOWS_CONTEXT,
    when: OS_MISMATCH,
    title: (c) =>
      `${containerIn(c)} failed to start: its Windows image does not match the host's Windows version`,
    summary: (c) =>
      `The Windows build of ${theContainer(c)}'s image differs from the container instance's, and process-isolated Windows containers only run on the build they were made for.`,
    remediation: versionSteps,
    docs: [VERSION_MISMATCH_DOCS, DOCS.cannotStartContainer],
  },
  {
    category: "platform",
    subCause: "windows-compute-service-failed",
    and: WINDOWS_CONTEXT,
    when: /hcsshim|hcs::|failure in a windows system call|compute system exited unexpectedly|vmcompute|0xc037010[0-9a-f]/,
    // A missing executable is the image's fault, whatever layer of the Windows runtime reports it.
    unless: /the system cannot find the file specified|cannot find the path specified/,
    title: (c) =>
      `Windows container runtime on the host failed${c.container ? ` to run \`${c.container}\`` : ""} in ${c.subject}`,
    summary: () =>
      "The Host Compute Service (HCS) of the Windows container instance failed to create or run the container: a host fault (resources, Hyper-V features, a stuck vmcompute service), not the task definition.",
    remediation: () => [
      "Retry the task on another instance; if the same instance repeats it, drain and replace it.",
      "On the instance, check `Get-Service vmcompute, docker` and the Application and Hyper-V-Compute event logs; restart the Docker service or the instance.",
      "Keep the ECS-optimized Windows AMI current and leave memory for the OS (ECS_RESERVED_MEMORY): Windows hosts need more than Linux ones.",
    ],
    docs: [DOCS.cannotStartContainer],
  },
];

export const windowsImageRule: Rule = {
  category: "image-pull",
  subCause: "windows-version-mismatch",
  and: WINDOWS_CONTEXT,
  when: /windows version [\d.…]+-based image is incompatible with a [\d.]+ host/,
  title: (c) => `Image of ${where(c)} is built for another Windows version`,
  summary: () =>
    "The container instance refused the image: it was built on a newer Windows Server build than the host runs, which process isolation cannot run.",
  remediation: versionSteps,
  docs: [VERSION_MISMATCH_DOCS, DOCS.cannotPullImage],
};

export const gmsaRule: Rule = {
  category: "secrets",
  subCause: "gmsa-credential-spec-failed",
  and: WINDOWS_CONTEXT,
  when: /credentialspec|credential ?spec|\bgmsa\b/,
  title: (c) => `${containerIn(c)} could not get its gMSA credential spec`,
  summary: () =>
    "The ECS agent could not prepare the container's Active Directory identity (the gMSA credential spec named in credentialSpecs or dockerSecurityOptions), so the task did not start.",
  remediation: (c) => [
    c.detail?.includes("execution role")
      ? "Give the task definition an execution role: the agent reads credential specs stored in S3 or SSM Parameter Store with it."
      : "Check the credential spec's location: an S3 object ARN or SSM parameter ARN in the task's Region, readable by the execution role (s3:GetObject / ssm:GetParameters).",
    "Check the credential spec JSON itself (generated with New-CredentialSpec) and, for domainless gMSA, the Secrets Manager secret it names.",
    "Check the instance side: domain-joined (or the domainless plugin installed), reachable domain controllers (DNS, ports 88/389/445), and the gMSA allowed for the host.",
  ],
  detail: (text) => (/execution role/i.test(text) ? "execution role" : undefined),
  docs: [GMSA_DOCS, DOCS.executionRole],
};

/** The shape of exit-codes.ts' ExitCodeMeaning, declared here so the two files do not import each other. */
interface WindowsExitMeaning {
  subCause: string;
  meaning: string;
}

/** The Windows codes ECS reports as exitCode, unsigned (Docker on Windows) or as a negative 32-bit value. */
export const WINDOWS_EXIT_CODES: ReadonlyMap<number, WindowsExitMeaning> = new Map([
  [
    3221225786,
    {
      subCause: "windows-ctrl-shutdown",
      meaning: "0xC000013A STATUS_CONTROL_C_EXIT: stopped by a console shutdown event (Windows' SIGTERM)",
    },
  ],
  [
    1067,
    {
      subCause: "windows-process-aborted",
      meaning: "ERROR_PROCESS_ABORTED: the process terminated unexpectedly",
    },
  ],
  [
    3221225477,
    {
      subCause: "windows-access-violation",
      meaning: "0xC0000005 STATUS_ACCESS_VIOLATION: the process crashed",
    },
  ],
  [
    3221225781,
    {
      subCause: "windows-dll-not-found",
      meaning: "0xC0000135 STATUS_DLL_NOT_FOUND: a DLL the program needs is missing",
    },
  ],
  [
    3221226505,
    {
      subCause: "windows-fail-fast",
      meaning: "0xC0000409 STATUS_STACK_BUFFER_OVERRUN: the process failed fast",
    },
  ],
]);

/** What ECS sends a Windows container when it stops it: routine on a scheduler, user or Spot stop. */
export const WINDOWS_STOP_EXIT = 3221225786;

/** -1073741510 and 3221225786 are the same NTSTATUS. */
export function unsignedWindowsCode(code: number): number {
  return code < -255 && code >= -0x80000000 ? code + 0x100000000 : code;
}

export const WINDOWS_EXIT_REMEDIATION: Readonly<Record<string, (c: RenderContext) => string[]>> = {
  "windows-ctrl-shutdown": (c) => [
    `${theContainer(c)} was ended by a console shutdown event, which is how Windows containers are stopped: find what stopped it (StopTask, a deployment, the host shutting down or Docker restarting: the instance's System event log).`,
    "Handle the shutdown event in the application so it exits cleanly within stopTimeout.",
  ],
  "windows-process-aborted": (c) => [
    `The main process (often a Windows service watched by ServiceMonitor.exe, such as w3svc) of ${theContainer(c)} terminated unexpectedly: read the container's logs and the Application event log (LogMonitor can forward it to stdout).`,
    "Check the service's configuration at start-up (web.config transforms, app pool identity, missing features in the image).",
  ],
  "windows-access-violation": (c) => [
    `${theContainer(c)} crashed with an access violation: read its logs; check native dependencies and that the image's Windows build matches the host.`,
  ],
  "windows-dll-not-found": () => [
    "A DLL the program loads is not in the image: install the runtime it needs (Visual C++ redistributable, .NET), or use a fuller base image (servercore instead of nanoserver).",
  ],
  "windows-fail-fast": (c) => [
    `${theContainer(c)} failed fast (stack buffer overrun or an explicit FailFast): read its logs and any crash dump; .NET apps log the unhandled exception before this.`,
  ],
};
