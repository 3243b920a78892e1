/**
 * secrets: a secret, SSM parameter or private-registry credential could not be retrieved because of the secret itself:
 * it does not exist, has no such JSON key or version, is scheduled for deletion, or its KMS key cannot decrypt it.
 * Permission denials of the execution role are `iam`; timeouts reaching Secrets Manager / SSM are `network`.
 * A KMS failure is `secrets` when the key itself is unusable (disabled, pending deletion, wrong key); a refusal of the
 * execution role ("not authorized to perform: kms:Decrypt", "Access to KMS is not allowed") is `iam`.
 */
import { DOCS } from "../docs.js";
import { capture, type RenderContext, type Rule, where } from "./rule.js";

/** Words that say "ECS was fetching secrets, parameters or registry credentials". */
export const SECRET_CONTEXT =
  /unable to pull secrets|secrets or registry auth|retrieve secrets?|fetching secret|secret data|from asm|asm fetching|secrets ?manager|secretsmanager|from ssm|ssm parameter|parameter store|parameternotfound|invalid parameters|json key|:secret:|registry auth/;

const secretName = capture(/(arn:aws[a-z-]*:(?:secretsmanager|ssm):[^\s"',]+)/i);
const parameterName = capture(/invalid parameters?:?\s*\[?"?([^\s"\]]+)/i);
const jsonKey = capture(/json key:?\s*"?([\w.-]+)/i);

const title = (what: string) => (c: RenderContext) => `Secret not retrieved for ${where(c)}: ${what}`;

const secretsDocs = [DOCS.resourceInitialization, DOCS.secretsManagerEnv, DOCS.sensitiveData];

export const kmsRule: Rule = {
  category: "secrets",
  subCause: "kms-decrypt-failed",
  when: /kmsinvalidstate|kmsdisabled|kms\.?\w*invalidstate|decryptionfailure|ciphertext refers to a customer master key|kms key .{0,60}(?:disabled|pending deletion|does not exist|not found)|(?:key|kms).{0,40}is (?:disabled|pending deletion)/,
  title: title("KMS key cannot decrypt it"),
  summary: () =>
    "The secret or SecureString parameter is encrypted with a KMS key that cannot decrypt it now: the key is disabled, pending deletion, or not the key the value was encrypted with.",
  remediation: () => [
    "Check the KMS key's state (enabled, not pending deletion) and that it is in the secret's Region.",
    "Allow the task execution role kms:Decrypt in the key policy (and in the role's policy for a customer managed key).",
    "For a cross-account secret, both the key policy and the secret's resource policy must allow the execution role.",
  ],
  docs: [DOCS.sensitiveData, DOCS.secretsManagerEnv, DOCS.executionRole],
};

const rules: readonly Rule[] = [
  {
    category: "secrets",
    subCause: "registry-credentials-unavailable",
    when: /registry auth from asm|get registry auth|repositorycredentials|private registry/,
    title: title("private registry credentials"),
    summary: () =>
      "The Secrets Manager secret with the private registry credentials (repositoryCredentials) could not be read.",
    remediation: () => [
      "Check that repositoryCredentials.credentialsParameter names an existing secret with username and password keys.",
      "Allow the task execution role secretsmanager:GetSecretValue on it (and kms:Decrypt for a customer managed key).",
      "Check that the task can reach Secrets Manager (NAT gateway or com.amazonaws.REGION.secretsmanager endpoint).",
    ],
    docs: [DOCS.privateRegistryAuth, DOCS.resourceInitialization],
  },
  {
    category: "secrets",
    subCause: "secret-json-key-missing",
    when: /json key|did not contain .{0,60}key|invalid key/,
    detail: jsonKey,
    title: title("JSON key not in secret"),
    summary: (c) =>
      `The secret exists but its JSON value has no key ${c.detail ? `\`${c.detail}\`` : "named in valueFrom"}.`,
    remediation: (c) => [
      `Compare the key in valueFrom (arn:...:secret:NAME:JSON_KEY:VERSION_STAGE:VERSION_ID) with the keys in the secret value${c.detail ? `; \`${c.detail}\` is not one of them` : ""}.`,
      "Add the key to the secret, or fix valueFrom and register a new task definition revision.",
      "Check the secret value is valid JSON when you reference a key.",
    ],
    docs: secretsDocs,
  },
  {
    category: "secrets",
    subCause: "secret-scheduled-for-deletion",
    when: /marked for deletion|scheduled for deletion|pending deletion/,
    title: title("secret scheduled for deletion"),
    summary: () => "The secret is scheduled for deletion, so Secrets Manager refuses to return its value.",
    remediation: () => [
      "Restore the secret (aws secretsmanager restore-secret) or point valueFrom at the replacement secret.",
    ],
    docs: secretsDocs,
  },
  {
    category: "secrets",
    subCause: "secret-version-not-found",
    when: /versionid|version ?stage|versionstage|version .{0,40}not found/,
    title: title("version not found"),
    summary: () =>
      "The version id or staging label in valueFrom does not exist on the secret, or is not a valid id.",
    remediation: () => [
      "Use the form arn:...:secret:NAME:JSON_KEY:VERSION_STAGE:VERSION_ID and leave the stage and id empty to get AWSCURRENT.",
      "A version id must be the 32-64 character id Secrets Manager returned, not a name.",
    ],
    docs: secretsDocs,
  },
  {
    category: "secrets",
    subCause: "ssm-parameter-not-found",
    when: /invalid parameters|parameternotfound|parameter .{0,80}(?:not found|does not exist)/,
    detail: parameterName,
    title: title("SSM parameter not found"),
    summary: (c) =>
      `The SSM parameter ${c.detail ? `\`${c.detail}\`` : "named in valueFrom"} does not exist in that account and Region.`,
    remediation: (c) => [
      `Create the parameter${c.detail ? ` \`${c.detail}\`` : ""} or fix valueFrom: use the full ARN when the parameter is in another Region, or the name with its leading slash in the same Region.`,
      "Check that the task runs in the Region and account where the parameter was created.",
    ],
    docs: [DOCS.resourceInitialization, DOCS.ssmParameterEnv, DOCS.sensitiveData],
  },
  {
    category: "secrets",
    subCause: "secret-not-found",
    when: /resourcenotfoundexception|can'?t find the specified secret|secret .{0,120}(?:not found|does not exist)/,
    and: SECRET_CONTEXT,
    detail: secretName,
    title: title("secret not found"),
    summary: (c) =>
      `Secrets Manager has no secret ${c.detail ? `\`${c.detail}\`` : "matching valueFrom"} in that account and Region.`,
    remediation: () => [
      "Check the secret name or ARN in valueFrom; a partial ARN must not include the 6-character suffix, a full ARN must include it.",
      "Create the secret, or reference it by full ARN when it lives in another Region or account (with a resource policy that allows the execution role).",
    ],
    docs: secretsDocs,
  },
  {
    category: "secrets",
    subCause: "invalid-secret-reference",
    when: /invalidparameter|validation error|invalid arn|malformed|invalidrequestexception/,
    and: SECRET_CONTEXT,
    title: title("invalid valueFrom"),
    summary: () => "The secret reference in valueFrom is malformed, so Secrets Manager rejected the request.",
    remediation: () => [
      "Fix valueFrom: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:JSON_KEY[:VERSION_STAGE[:VERSION_ID]]], with empty fields kept as ::.",
    ],
    docs: secretsDocs,
  },
  {
    category: "secrets",
    subCause: "ecr-auth-unavailable",
    when: /ecr registry auth/,
    title: title("ECR authorization token"),
    summary: () =>
      "ECS could not obtain an ECR authorization token before pulling the image; the message was cut before the cause.",
    remediation: () => [
      "Check that the task execution role allows ecr:GetAuthorizationToken (AmazonECSTaskExecutionRolePolicy).",
      "Check the task's route to the ECR API: a NAT gateway, a public IP, or the com.amazonaws.REGION.ecr.api endpoint.",
    ],
    docs: [DOCS.resourceInitialization, DOCS.executionRole, DOCS.ecrVpcEndpoints],
  },
  {
    category: "secrets",
    subCause: "secret-retrieval-failed",
    when: SECRET_CONTEXT,
    detail: secretName,
    title: title("retrieval failed"),
    summary: (c) =>
      `ECS could not retrieve ${c.detail ? `\`${c.detail}\`` : "the secrets or SSM parameters in the task definition"} before starting the containers; the message does not say why (it may be truncated).`,
    remediation: () => [
      "Check that every secret and parameter in the task definition exists in the task's Region and account.",
      "Check the task execution role allows secretsmanager:GetSecretValue / ssm:GetParameters on them (and kms:Decrypt for customer managed keys).",
      "Check the task's route to Secrets Manager and SSM (NAT gateway or the secretsmanager / ssm interface endpoints).",
    ],
    docs: secretsDocs,
  },
];

export const secretsRules: readonly Rule[] = rules;
