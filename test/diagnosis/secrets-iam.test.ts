import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { exited, taskReason } from "./task-builder.js";

const PREFIX =
  "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed:";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-2:123456789012:secret:prod/db-AbCdEf";
const ROLE = "arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/5e1b2c";

describe("secrets rules", () => {
  it.each([
    [
      "secret-not-found",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET_ARN} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
    ],
    [
      "secret-json-key-missing",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key password`,
    ],
    [
      "ssm-parameter-not-found",
      `${PREFIX} unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: /prod/db/password`,
    ],
    [
      "secret-version-not-found",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET_ARN} from secrets manager: InvalidParameter: 1 validation error(s) found. - minimum field size of 32, GetSecretValueInput.VersionId.`,
    ],
    [
      "kms-decrypt-failed",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET_ARN} from secrets manager: DecryptionFailure: Secrets Manager can't decrypt the protected secret text using the provided KMS key.`,
    ],
    [
      "registry-credentials-unavailable",
      `${PREFIX} unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for dockerhub-creds: ResourceNotFoundException`,
    ],
    [
      "secret-retrieval-failed",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 5 time(s): ...`,
    ],
  ])("returns secrets / %s", (subCause, reason) => {
    const diagnosis = diagnoseTask(taskReason(reason));

    expect(diagnosis.category).toBe("secrets");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it("names the missing JSON key and the SSM parameter in the summary", () => {
    const json = diagnoseTask(
      taskReason(
        `${PREFIX} unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key api_token`,
      ),
    );
    const ssm = diagnoseTask(
      taskReason(`${PREFIX} unable to retrieve secrets from ssm: invalid parameters: /prod/api/token`),
    );

    expect(json.summary).toContain("api_token");
    expect(ssm.summary).toContain("/prod/api/token");
  });
});

describe("iam rules", () => {
  it.each([
    [
      "execution-role-secrets-manager",
      "secretsmanager:GetSecretValue",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET_ARN} from secrets manager: AccessDeniedException: User: ${ROLE} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET_ARN} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    ],
    [
      "execution-role-ssm",
      "ssm:GetParameters",
      `${PREFIX} unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: ${ROLE} is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-2:123456789012:parameter/prod/db`,
    ],
    [
      "execution-role-kms",
      "kms:Decrypt",
      `${PREFIX} unable to retrieve secrets from ssm: AccessDeniedException: User: ${ROLE} is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-2:123456789012:key/1234abcd`,
    ],
    [
      "execution-role-kms",
      "kms:Decrypt",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET_ARN} from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400`,
    ],
    [
      "execution-role-ecr",
      "ecr:GetAuthorizationToken",
      `${PREFIX} unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: ${ROLE} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
    ],
    [
      "execution-role-s3",
      "s3:GetObject",
      "ResourceInitializationError: failed to download env files: file download command: non empty error stream: service call has been retried 5 time(s): AccessDenied: Access Denied",
    ],
    [
      "execution-role-secrets-manager",
      "secretsmanager:GetSecretValue",
      `${PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET_ARN} from secrets manager: AccessDeniedException: User: ${ROLE} is not autho...`,
    ],
    [
      "role-trust-policy",
      "ecs-tasks.amazonaws.com",
      "ClientException: ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions.",
    ],
  ])("returns iam / %s and names %s in the remediation", (subCause, permission, reason) => {
    const diagnosis = diagnoseTask(taskReason(reason));

    expect(diagnosis.category).toBe("iam");
    expect(diagnosis.subCause).toBe(subCause);
    expect(diagnosis.remediation.join(" ")).toContain(permission);
  });

  it("returns iam when the log driver is denied logs:CreateLogGroup", () => {
    const reason = `CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log group: AccessDeniedException: User: ${ROLE} is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-2:123456789012:log-group:/ecs/api:log-stream:`;

    const diagnosis = diagnoseTask(exited(null, reason));

    expect(diagnosis.category).toBe("iam");
    expect(diagnosis.subCause).toBe("execution-role-logs");
  });

  it("returns iam for the task role missing elasticfilesystem:ClientMount", () => {
    const reason = `ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: User: ${ROLE} is not authorized to perform: elasticfilesystem:ClientMount on the specified resource`;

    const diagnosis = diagnoseTask(taskReason(reason));

    expect(diagnosis.category).toBe("iam");
    expect(diagnosis.subCause).toBe("task-role-efs");
  });
});
