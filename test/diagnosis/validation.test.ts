/**
 * Independent validation of the diagnosis engine: real stop reasons collected separately from the tuning corpus
 * (test/fixtures/stop-reasons-validation.json, none of whose texts appear in test/fixtures/stop-reasons.json).
 * Tasks are built the same way as in corpus.test.ts so both tables measure the same thing.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { CATEGORIES, type Diagnosis } from "../../src/shared/diagnosis/types.js";
import { type StopReason, taskFromStopReason } from "./stop-reason-table.js";

const VALIDATION_FILE = fileURLToPath(new URL("../fixtures/stop-reasons-validation.json", import.meta.url));
const TUNING_FILE = fileURLToPath(new URL("../fixtures/stop-reasons.json", import.meta.url));

const MIN_ENTRIES = 120;
const MIN_AGREEMENT = 0.95;
/** The generic "Essential container in task exited" wrapper is shared by both tables and says nothing by itself. */
const GENERIC_WRAPPER = /^essential container in task exited\.?$/i;

function readTable(path: string): StopReason[] {
  return JSON.parse(readFileSync(path, "utf8")) as StopReason[];
}

const entries = readTable(VALIDATION_FILE);
const tuningTexts = new Set(
  readTable(TUNING_FILE)
    .flatMap((entry) => [entry.stoppedReason, entry.containerReason])
    .filter((text): text is string => text !== undefined && !GENERIC_WRAPPER.test(text)),
);

function diagnoseEntry(predicate: (entry: StopReason) => boolean): Diagnosis {
  const index = entries.findIndex(predicate);
  const entry = entries[index];
  if (!entry) throw new Error("no validation entry matches the sample");
  return diagnoseTask(taskFromStopReason(entry, index));
}

function mentions(entry: StopReason, text: string): boolean {
  const needle = text.toLowerCase();
  return [entry.stoppedReason, entry.containerReason].some((t) => t?.toLowerCase().includes(needle));
}

describe("independent validation table", () => {
  it(`holds at least ${MIN_ENTRIES} entries, each with a known category and a URL source`, () => {
    const invalid = entries.filter(
      (entry) =>
        !(CATEGORIES as readonly string[]).includes(entry.expected) || !/^https:\/\//.test(entry.source),
    );

    expect(entries.length).toBeGreaterThanOrEqual(MIN_ENTRIES);
    expect(invalid).toEqual([]);
  });

  it("shares no stop reason text with the tuning corpus", () => {
    const shared = entries
      .flatMap((entry) => [entry.stoppedReason, entry.containerReason])
      .filter((text): text is string => text !== undefined && tuningTexts.has(text));

    expect(shared).toEqual([]);
  });

  it("holds no entry twice", () => {
    const keys = entries.map((entry) =>
      [entry.stoppedReason, entry.containerReason, entry.exitCode, entry.stopCode].join("\u0000"),
    );

    const duplicates = keys.filter((key, index) => keys.indexOf(key) !== index);

    expect(duplicates).toEqual([]);
  });

  it(`agrees with at least ${MIN_AGREEMENT * 100}% of the validation entries`, () => {
    const disagreements = entries.flatMap((entry, index) => {
      const diagnosis = diagnoseTask(taskFromStopReason(entry, index));
      return diagnosis.category === entry.expected
        ? []
        : [
            {
              index,
              expected: entry.expected,
              actual: diagnosis.category,
              subCause: diagnosis.subCause,
              entry,
            },
          ];
    });

    const agreement = 1 - disagreements.length / entries.length;
    if (disagreements.length > 0) {
      // Printed on purpose: whoever tunes the rules works from this list.
      console.table(
        disagreements.map((d) => ({
          index: d.index,
          expected: d.expected,
          actual: d.actual,
          subCause: d.subCause,
          reason: (d.entry.containerReason ?? d.entry.stoppedReason).slice(0, 100),
        })),
      );
    }
    console.info(`validation agreement: ${(agreement * 100).toFixed(1)}% of ${entries.length}`);

    expect(agreement).toBeGreaterThanOrEqual(MIN_AGREEMENT);
  });
});

describe("remediation quality on validation samples", () => {
  it("gives CPU architecture advice when a container reason says exec format error", () => {
    // No ECS stop reason with this wording turned up in the search; this is runc's own wording under ECS's prefix.
    const diagnosis = diagnoseTask(
      taskFromStopReason(
        {
          stoppedReason: "Essential container in task exited",
          stopCode: "EssentialContainerExited",
          containerReason:
            'CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": exec format error: unknown',
          expected: "image-pull",
          source: "https://github.com/opencontainers/runc",
        },
        0,
      ),
    );

    expect(diagnosis.subCause).toBe("platform-mismatch");
    expect(diagnosis.remediation.join(" ")).toMatch(/--platform|cpuArchitecture/);
  });

  it("gives entrypoint advice when the executable is not found in $PATH", () => {
    const diagnosis = diagnoseEntry((entry) => mentions(entry, "executable file not found in $path"));

    expect(diagnosis.subCause).toBe("entrypoint-not-found");
    expect(diagnosis.remediation.join(" ")).toMatch(/entryPoint/);
  });

  it("gives mirror or authentication advice for a Docker Hub pull rate limit", () => {
    const diagnosis = diagnoseEntry((entry) => mentions(entry, "pull rate limit"));

    expect(diagnosis.subCause).toBe("registry-rate-limited");
    expect(diagnosis.remediation.join(" ")).toMatch(/pull-through cache|ECR/);
    expect(diagnosis.remediation.join(" ")).toMatch(/authenticate/i);
  });

  it("names the log group step rather than the network when the awslogs driver has no credentials", () => {
    const diagnosis = diagnoseEntry((entry) => mentions(entry, "169.254.170.2:80: i/o timeout"));

    expect(diagnosis.subCause).toBe("log-driver-credentials");
  });
});

/** Boundaries generalised from the validation disagreements; each case is a different wording of the same family. */
describe("generalised rule families", () => {
  function categoryOf(stoppedReason: string): string {
    return diagnoseTask(
      taskFromStopReason(
        { stoppedReason, stopCode: "TaskFailedToStart", expected: "unknown", source: "" },
        0,
      ),
    ).category;
  }

  it.each([
    [
      "containerd's user lookup mount",
      "CannotStartContainerError: unable to create new container: mount callback failed on /tmp/containerd-mount1: open /tmp/containerd-mount1/etc/group: no such file or directory",
      "start-failure",
    ],
    [
      "runc mounting a volume into the rootfs",
      'CannotStartContainerError: OCI runtime create failed: error during container init: error mounting "/var/lib/ecs/volumes/data" to rootfs at "/app/config.yml": not a directory',
      "storage",
    ],
    [
      "an EFS name with a placeholder id",
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-XXXX.efs.eu-west-1.amazonaws.com"',
      "network",
    ],
    [
      "an image whose name contains fs-",
      "CannotPullContainerError: failed to resolve ref docker.io/acme/myfs-abc:1: not found",
      "image-pull",
    ],
    [
      "containerd failing to do the request",
      'CannotPullContainerError: failed to resolve ref "ghcr.io/acme/api:1": failed to do request: Head "https://ghcr.io/v2/acme/api/manifests/1"',
      "network",
    ],
    [
      "a registry certificate behind the same client error",
      'CannotPullContainerError: failed to resolve ref "reg.example.com/app:1": failed to do request: Head "https://reg.example.com/v2/app/manifests/1": x509: certificate signed by unknown authority',
      "image-pull",
    ],
    [
      "a devicemapper fault",
      "CannotCreateContainerError: API error (500): devicemapper: Error running deviceResume dm_task_run failed",
      "resource-limits",
    ],
    [
      "a layer write cut before its cause",
      "CannotPullContainerError: failed to register layer: write /usr/lib/x86_64-linux-gnu/libLLVM...",
      "resource-limits",
    ],
    [
      "a layer write that is an I/O error",
      "CannotPullContainerError: failed to extract layer sha256:abc: write /var/lib/x: input/output error",
      "image-pull",
    ],
    [
      "a refused pull of an AWS-vended image",
      "CannotPullContainerError: pull access denied for 906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit, repository does not exist or may require 'docker login'",
      "iam",
    ],
    [
      "a refused pull of a customer image in another account",
      "CannotPullContainerError: pull access denied for 444455556666.dkr.ecr.us-east-1.amazonaws.com/billing, repository does not exist or may require 'docker login'",
      "image-pull",
    ],
    [
      "ECR credentials the agent could not find",
      "CannotPullECRContainerError: engine ecr credentials: not found",
      "iam",
    ],
    ["the INACTIVE RunTask failure", "TaskFailedToStart: INACTIVE", "placement"],
  ])("reads %s as %s", (_family, reason, expected) => {
    expect(categoryOf(reason)).toBe(expected);
  });
});
