import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { failedToStart, taskReason } from "./task-builder.js";

const OWN_ECR = "123456789012.dkr.ecr.us-east-2.amazonaws.com";
const OTHER_ECR = "366590864501.dkr.ecr.us-west-2.amazonaws.com";

describe("image-pull rules", () => {
  it.each([
    [
      "image-not-found",
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${OWN_ECR}/api:v2.3.1: ${OWN_ECR}/api:v2.3.1: not found`,
    ],
    [
      "image-not-found",
      `CannotPullContainerError: Error response from daemon: manifest for ${OWN_ECR}/api:v1 not found: manifest unknown: Requested image not found`,
    ],
    [
      "repository-not-found",
      `CannotPullContainerError: API error (404): repository ${OWN_ECR}/billing/api not found`,
    ],
    [
      "repository-not-found",
      `CannotPullContainerError: Error response from daemon: repository ${OWN_ECR}/app not found: name unknown: The repository with name 'app' does not exist in the registry with id '123456789012'`,
    ],
    [
      "platform-mismatch",
      "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/amd64'",
    ],
    [
      "platform-mismatch",
      "CannotPullContainerError: no matching manifest for linux/arm64/v8 in the manifest list entries",
    ],
    [
      "platform-mismatch",
      "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec format error: unknown",
    ],
    [
      "registry-rate-limited",
      "CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
    ],
    [
      "registry-rate-limited",
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/node:18: unexpected status code [manifests 18]: 429 Too Many Requests",
    ],
    [
      "pull-access-denied",
      "CannotPullContainerError: Error response from daemon: pull access denied for myorg/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    ],
    [
      "registry-credentials-missing",
      `CannotPullContainerError: Error response from daemon: Get https://${OWN_ECR}/v2/app/manifests/latest: no basic auth credentials`,
    ],
    [
      "registry-authentication-failed",
      "CannotPullContainerError: Error response from daemon: Get https://ghcr.io/v2/org/app/manifests/1.0: unauthorized",
    ],
    [
      "invalid-image-reference",
      "CannotPullContainerError: Error response from daemon: invalid reference format",
    ],
    [
      "registry-tls-error",
      "CannotPullContainerError: Get https://registry.example.com/v2/: x509: certificate signed by unknown authority",
    ],
  ])("returns image-pull / %s for %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("image-pull");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it("returns image-pull for a pull error cut off before its cause", () => {
    const reason =
      "CannotPullContainerError: failed to resolve ref docker.io/library/nginx:1.999: not fou...";

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("image-pull");
    expect(diagnosis.culprit?.name).toBe("web");
  });

  it("returns image-pull access-denied when another account's ECR registry answers 403", () => {
    const reason = `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${OTHER_ECR}/proxy:latest: unexpected status code [manifests latest]: 403 Forbidden`;

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("image-pull");
    expect(diagnosis.subCause).toBe("access-denied");
  });

  it("returns iam when the task's own ECR registry answers 403, naming the ECR pull permissions", () => {
    const reason = `CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "${OWN_ECR}/api:6981141": unexpected status code [manifests 6981141]: 403 Forbidden`;

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("iam");
    expect(diagnosis.subCause).toBe("execution-role-ecr-pull");
    expect(diagnosis.remediation.join(" ")).toContain("ecr:BatchGetImage");
  });

  it("returns iam when the pull error says the role lacks permission to pull", () => {
    const reason =
      "CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry.";

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("iam");
  });

  it("names the image that was not found in the summary", () => {
    const reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${OWN_ECR}/api:v9: ${OWN_ECR}/api:v9: not found`;

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.summary).toContain(`${OWN_ECR}/api:v9`);
    expect(diagnosis.docs).toContain(
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
    );
  });

  it("gives different first remediation steps for a missing tag, a platform mismatch and a rate limit", () => {
    const reasons = [
      "CannotPullContainerError: failed to resolve ref docker.io/library/nginx:9: not found",
      "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/amd64'",
      "CannotPullContainerError: toomanyrequests: You have reached your pull rate limit.",
    ];

    const firstSteps = reasons.map((reason) => diagnoseTask(failedToStart(reason)).remediation[0]);

    expect(new Set(firstSteps).size).toBe(3);
  });

  it("reads a pull failure that only the task's stoppedReason carries", () => {
    const diagnosis = diagnoseTask(
      taskReason("CannotPullContainerError: failed to resolve ref docker.io/acme/api:2.0: not found"),
    );

    expect(diagnosis.category).toBe("image-pull");
    expect(diagnosis.severity).toBe("critical");
  });
});
