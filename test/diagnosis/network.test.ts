import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { exited, failedToStart, taskReason } from "./task-builder.js";

const PREFIX =
  "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed:";

describe("network rules", () => {
  it.each([
    [
      "no-route-to-ecr",
      `${PREFIX} unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-2.amazonaws.com/": dial tcp 52.46.1.1:443: i/o timeout. Please check your task network configuration.`,
    ],
    [
      "no-route-to-ecr",
      "CannotPullContainerError: API error (500): Get https://123456789012.dkr.ecr.us-east-2.amazonaws.com/v2/: net/http: request canceled while waiting for connection",
    ],
    [
      "no-route-to-s3",
      'CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-us-east-2-starport-layer-bucket.s3.us-east-2.amazonaws.com/abc": dial tcp 52.216.0.1:443: i/o timeout',
    ],
    [
      "no-route-to-s3",
      "CannotPullContainerError: pull command failed: panic: runtime error: invalid memory address or nil pointer dereference",
    ],
    [
      "no-route-to-secrets-manager",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-2:123456789012:secret:db-AbCdEf from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded`,
    ],
    [
      "no-route-to-ssm",
      `${PREFIX} unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestError: send request failed caused by: Post "https://ssm.us-east-2.amazonaws.com/": dial tcp 10.0.1.5:443: i/o timeout`,
    ],
    [
      "no-route-to-cloudwatch-logs",
      "ResourceInitializationError: failed to validate logger args: : signal: killed",
    ],
    [
      "no-route-to-registry",
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: Head "https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp 34.205.13.154:443: i/o timeout',
    ],
    ["no-route-to-registry", "CannotPullContainerError: Could not reach any registry endpoint"],
    ["no-route-to-registry", "CannotPullContainerError: context canceled"],
    [
      "dns-resolution-failed",
      'CannotPullContainerError: failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/latest": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host',
    ],
    [
      "efs-dns-resolution-failed",
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-0867a83d8ed398433.efs.',
    ],
    ["eni-provisioning-timeout", "Timeout waiting for network interface provisioning to complete."],
    [
      "eni-creation-failed",
      "unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet 'subnet-0abc': AuthFailure",
    ],
    [
      "eni-creation-failed",
      "ResourceInitializationError: failed to configure ENI: failed to setup regular eni: netplugin failed with no error message: signal: killed",
    ],
    [
      "subnet-out-of-ip-addresses",
      "InsufficientFreeAddressesInSubnet: There are not enough free addresses in subnet 'subnet-0abc'",
    ],
  ])("returns network / %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(taskReason(reason));

    expect(diagnosis.category).toBe("network");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it("names the VPC endpoint of the unreachable service in the remediation", () => {
    const diagnosis = diagnoseTask(
      taskReason(
        `${PREFIX} unable to retrieve secret from asm: service call has been retried 5 time(s): RequestError: send request failed caused by: Post "https://secretsmanager.us-east-2.amazonaws.com/": dial tcp 10.0.0.9:443: i/o timeout`,
      ),
    );

    expect(diagnosis.remediation.join(" ")).toContain("com.amazonaws.REGION.secretsmanager");
  });

  it("keeps a pull timeout network even when the same text says the image ref could not be resolved", () => {
    const reason =
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:1: failed to do request: Head "https://registry-1.docker.io/v2/": dial tcp 1.2.3.4:443: i/o timeout';

    const diagnosis = diagnoseTask(failedToStart(reason));

    expect(diagnosis.category).toBe("network");
  });

  it("reads a network failure reported in a container reason of an exited task", () => {
    const diagnosis = diagnoseTask(
      exited(
        null,
        "CannotPullContainerError: API error (500): Get https://registry-1.docker.io/v2/: net/http: request canceled while waiting for connection",
      ),
    );

    expect(diagnosis.category).toBe("network");
    expect(diagnosis.culprit?.name).toBe("web");
  });

  it("does not name a container for an ENI that could not be provisioned", () => {
    const diagnosis = diagnoseTask(
      taskReason("Timeout waiting for network interface provisioning to complete."),
    );

    expect(diagnosis.culprit).toBeUndefined();
  });
});
