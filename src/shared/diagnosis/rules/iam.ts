/**
 * iam: a permission is missing on the task execution role (used by ECS to pull images, read secrets, write logs)
 * or on the task role (used by the application and by EFS IAM authorization).
 *
 * Boundary with secrets: "not authorized to perform: secretsmanager:GetSecretValue / ssm:GetParameters / kms:Decrypt"
 * is `iam` (fix the role); a secret that is missing, has no such JSON key, or whose KMS key is disabled or denies by key
 * policy state (disabled, pending deletion) is `secrets`. "Access to KMS is not allowed" is the execution role being
 * refused kms:Decrypt, so it is `iam`.
 * Boundary with image-pull: ECR refusing a pull is `iam` when the text names the permission or the role, or when the
 * 403 comes from an ECR registry of the task's own account (only the execution role can be at fault there); a denial
 * from another account's registry or another registry ("pull access denied", 401/403) stays `image-pull`, except the
 * AWS-owned registries of AWS-vended images (aws-appmesh-envoy...), which admit every account: there it is the role.
 */
import { DOCS } from "../docs.js";
import { PULL_CONTEXT } from "./image-pull.js";
import { capture, type MatchInput, type RenderContext, type Rule, where } from "./rule.js";

const ACTION = /not authorized to perform:?\s*([a-z0-9-]+:[a-z0-9*]+)/i;
const RESOURCE = /on resource:?\s*(arn:[^\s"',]+)/i;

interface PermissionSpec {
  subCause: string;
  /** The service prefix of the action, lower-case, as in `secretsmanager:GetSecretValue`. */
  service: string;
  /** Words that identify the same failure when the message is truncated before the action. */
  context: RegExp;
  role: "task execution role" | "task role";
  defaultAction: string;
  purpose: string;
  docs: readonly string[];
}

const PERMISSIONS: readonly PermissionSpec[] = [
  {
    subCause: "execution-role-kms",
    service: "kms",
    context: /\bkms\b|kmsaccessdenied/,
    role: "task execution role",
    defaultAction: "kms:Decrypt",
    purpose: "decrypt secrets or parameters encrypted with a customer managed key",
    docs: [DOCS.sensitiveData, DOCS.executionRole],
  },
  {
    subCause: "execution-role-secrets-manager",
    service: "secretsmanager",
    context: /\basm\b|secretsmanager|secrets manager/,
    role: "task execution role",
    defaultAction: "secretsmanager:GetSecretValue",
    purpose: "read the secrets injected into the container",
    docs: [DOCS.secretsManagerEnv, DOCS.executionRole, DOCS.resourceInitialization],
  },
  {
    subCause: "execution-role-ssm",
    service: "ssm",
    context: /\bssm\b|parameter store/,
    role: "task execution role",
    defaultAction: "ssm:GetParameters",
    purpose: "read the SSM parameters injected into the container",
    docs: [DOCS.ssmParameterEnv, DOCS.executionRole, DOCS.resourceInitialization],
  },
  {
    subCause: "execution-role-ecr",
    service: "ecr",
    context: /ecr registry auth|getauthorizationtoken/,
    role: "task execution role",
    defaultAction: "ecr:GetAuthorizationToken",
    purpose:
      "authenticate to Amazon ECR and pull the image (ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer; AmazonECSTaskExecutionRolePolicy has them)",
    docs: [DOCS.executionRole, DOCS.cannotPullImage],
  },
  {
    subCause: "execution-role-logs",
    service: "logs",
    context: /logging driver|log driver|logger|log group|log stream|awslogs|cloudwatch/,
    role: "task execution role",
    defaultAction: "logs:CreateLogStream",
    purpose:
      "create log streams and put log events (and logs:CreateLogGroup when awslogs-create-group is true)",
    docs: [DOCS.awslogs, DOCS.executionRole],
  },
  {
    subCause: "execution-role-s3",
    service: "s3",
    context: /env files?|environment files?|\bs3\b/,
    role: "task execution role",
    defaultAction: "s3:GetObject",
    purpose:
      "download the environment files from S3 (s3:GetObject on the files, s3:GetBucketLocation on the bucket)",
    docs: [DOCS.executionRole, DOCS.taskDefinitionParameters],
  },
  {
    subCause: "task-role-efs",
    service: "elasticfilesystem",
    context: /elasticfilesystem/,
    role: "task role",
    defaultAction: "elasticfilesystem:ClientMount",
    purpose: "mount the EFS file system with IAM authorization (ClientMount, and ClientWrite for read-write)",
    docs: [DOCS.efsVolumes, DOCS.taskRole],
  },
];

const action = capture(ACTION);

function permissionRule(spec: PermissionSpec, when: RegExp, and?: RegExp): Rule {
  return {
    category: "iam",
    subCause: spec.subCause,
    when,
    ...(and ? { and } : {}),
    detail: (text) => {
      const found = action(text) ?? spec.defaultAction;
      const resource = capture(RESOURCE)(text);
      return resource ? `${found} on ${resource}` : found;
    },
    title: (c: RenderContext) =>
      `Missing IAM permission ${(c.detail ?? spec.defaultAction).split(" ")[0]} for ${where(c)}`,
    summary: (c: RenderContext) =>
      `The ${spec.role} is not allowed ${c.detail ?? spec.defaultAction}, so ECS could not ${spec.purpose} and the task did not start.`,
    remediation: (c: RenderContext) => [
      `Allow ${c.detail ?? spec.defaultAction} in a policy attached to the ${spec.role} named in the task definition (${spec.role === "task role" ? "taskRoleArn" : "executionRoleArn"}).`,
      "Check that the resource ARN in the policy matches (Secrets Manager ARNs end with a random 6-character suffix: use name-* or the full ARN).",
      "Check for explicit denies: SCPs, permissions boundaries, resource policies, and VPC endpoint policies.",
    ],
    docs: spec.docs,
  };
}

const trustRule: Rule = {
  category: "iam",
  subCause: "role-trust-policy",
  when: /unable to assume (?:the )?role|not authorized to perform:?\s*sts:assumerole|trust relationship|cannot assume role/,
  detail: capture(/role[ '"]+(arn:aws[a-z-]*:iam::\d+:role\/[\w+=,.@/-]+)/i),
  title: (c) => `ECS could not assume the IAM role for ${where(c)}`,
  summary: (c) =>
    `ECS could not assume ${c.detail ? `\`${c.detail}\`` : "the task or execution role"}: its trust policy does not allow ecs-tasks.amazonaws.com, or the role does not exist.`,
  remediation: () => [
    "Make the role's trust policy allow the principal ecs-tasks.amazonaws.com to sts:AssumeRole (add aws:SourceAccount / aws:SourceArn conditions that match).",
    "Check that the role ARN in the task definition exists and is in the same account.",
    "Check that whoever registers or runs the task has iam:PassRole on the role.",
  ],
  docs: [DOCS.executionRole, DOCS.taskRole],
};

const passRoleRule: Rule = {
  category: "iam",
  subCause: "pass-role-denied",
  when: /not authorized to perform:?\s*iam:passrole/,
  detail: action,
  title: (c) => `iam:PassRole denied for ${where(c)}`,
  summary: () => "The caller that started the task is not allowed to pass the task or execution role to ECS.",
  remediation: () => [
    "Allow iam:PassRole on the task role and execution role ARNs for the principal that calls RunTask, CreateService or UpdateService (for scheduled tasks, the EventBridge role).",
  ],
  docs: [DOCS.taskRole, DOCS.executionRole],
};

const genericActionRule: Rule = {
  category: "iam",
  subCause: "missing-permission",
  when: /not authorized to perform/,
  detail: action,
  title: (c) => `Missing IAM permission${c.detail ? ` ${c.detail}` : ""} for ${where(c)}`,
  summary: (c) =>
    `An IAM role used by the task is not allowed ${c.detail ?? "an action it needs"}, so the task could not start or stopped.`,
  remediation: (c) => [
    `Allow ${c.detail ?? "the denied action"} on the role named in the error (execution role for ECS-side actions, task role for the application).`,
    "Check for explicit denies in SCPs, permissions boundaries and resource policies.",
  ],
  docs: [DOCS.executionRole, DOCS.taskRole],
};

/** Explicit "is not authorized to perform: SERVICE:Action": the most precise statement there is, checked early. */
const ecrSpec = PERMISSIONS.find((spec) => spec.service === "ecr");

const ECR_REGISTRY_ACCOUNT = /(\d{12})\.dkr\.ecr\./;

/**
 * AWS-vended images (aws-appmesh-envoy, aws-for-fluent-bit...) live in AWS-owned registries whose repository policies
 * admit every account, so a refused pull there can only be the task execution role (the App Mesh guide says so).
 */
const AWS_VENDED_REPOSITORY = /\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/aws-[a-z0-9-]+/;

/** ECR refused the pull and the text blames the role, or the refusing registry is in the task's own account. */
const ecrPullRules: readonly Rule[] = ecrSpec
  ? [
      {
        ...permissionRule(
          ecrSpec,
          /role has the permissions|role (?:does not have|lacks) (?:the )?permission|execution role/,
          PULL_CONTEXT,
        ),
        subCause: "execution-role-ecr-pull",
        detail: () => "ecr:BatchGetImage",
      },
      {
        ...permissionRule(
          ecrSpec,
          /\b403\b|forbidden|accessdenied|access denied|denied:/,
          ECR_REGISTRY_ACCOUNT,
        ),
        subCause: "execution-role-ecr-pull",
        unless: /pull access denied/,
        accept: (input: MatchInput) =>
          input.account !== undefined && ECR_REGISTRY_ACCOUNT.exec(input.lower)?.[1] === input.account,
        detail: () => "ecr:BatchGetImage",
      },
      {
        ...permissionRule(
          ecrSpec,
          /pull access denied|\b403\b|forbidden|accessdenied|access denied|denied:|no basic auth credentials/,
          AWS_VENDED_REPOSITORY,
        ),
        subCause: "execution-role-ecr-pull",
        detail: () => "ecr:BatchGetImage",
      },
    ]
  : [];

/** The agent found no execution-role credentials to log in to ECR: the task definition has no usable execution role. */
const missingExecutionRoleRule: Rule = {
  category: "iam",
  subCause: "execution-role-missing",
  when: /ecr credentials:? not found|unable to acquire ecr credentials|no execution role/,
  title: (c) => `No task execution role credentials for ${where(c)}`,
  summary: () =>
    "ECS had no task execution role credentials to authenticate to Amazon ECR, so it could not pull the image: the task definition has no executionRoleArn, or the role cannot be assumed.",
  remediation: () => [
    "Set executionRoleArn in the task definition to a role that trusts ecs-tasks.amazonaws.com and has AmazonECSTaskExecutionRolePolicy (ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer).",
    "On EC2, make sure the ECS agent is current and can reach the credentials endpoint (169.254.170.2).",
  ],
  docs: [DOCS.executionRole, DOCS.cannotPullImage],
};

export const iamActionRules: readonly Rule[] = [
  trustRule,
  passRoleRule,
  missingExecutionRoleRule,
  ...PERMISSIONS.map((spec) =>
    permissionRule(spec, new RegExp(`not authorized to perform:?\\s*${spec.service}:`)),
  ),
  genericActionRule,
  ...ecrPullRules,
];

const ACCESS_DENIED = /accessdenied|access denied|access is denied|unauthorizedoperation/;

/** A bare AccessDenied whose action was cut off: the service is inferred from the words around it. */
export const iamAccessDeniedRules: readonly Rule[] = [
  ...PERMISSIONS.map((spec) => permissionRule(spec, ACCESS_DENIED, spec.context)),
  { ...genericActionRule, subCause: "access-denied", when: ACCESS_DENIED, unless: PULL_CONTEXT },
];
