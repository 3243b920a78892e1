/**
 * image-pull: the image could not be pulled for a reason that is about the image or the registry:
 * not found, wrong platform, access denied, missing credentials, rate limited.
 * Connection failures while pulling are `network` (see network.ts) and a full disk is `resource-limits`.
 * An access denial inside a pull (ECR repository policy or execution role missing ecr:BatchGetImage) stays
 * `image-pull`: the failure is the pull, and the remediation names the exact permission.
 * Three answers read alike and need different fixes: the registry was never reached (network.ts: timeouts, no route,
 * DNS, TLS handshake), the registry answered "no such image" (not found / manifest unknown / name unknown), and the
 * registry refused the caller (401 authentication, 403 / denied access). A reference that does not parse never reaches
 * a registry at all. Sources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html,
 * https://docs.docker.com/reference/cli/docker/image/tag/ (reference grammar), aws/containers-roadmap#1096 (Fargate
 * "ref pull has been retried" wordings).
 */
import { DOCS } from "../docs.js";
import { capture, containerIn, type RenderContext, type Rule, theContainer, where } from "./rule.js";

/** Words that say "this happened while pulling an image". */
export const PULL_CONTEXT =
  /cannotpullcontainer|cannotpullecrcontainer|pull image|ref pull|pull access denied|manifest unknown|manifest for .{0,300}not found|failed to resolve ref|repository .{0,300}not found|name unknown|no basic auth credentials|httpread(?:er)?seeker|failed to copy|invalid reference format|repository name must be lowercase|not a valid repository\/tag|failed to parse image reference|imagenotfound|error pulling|failed to pull|pulling image|image pull/;

const imageRef = capture(
  /(?:failed to resolve (?:ref|reference)|manifest for|repository|pull access denied for|image|ref)\s+"?([a-z0-9][\w.-]*(?:\.[\w-]+)*(?::\d+)?\/[\w./-]+(?::[\w.-]+|@sha256:[0-9a-f]+)?)/i,
);

const pulledImage = (c: RenderContext): string =>
  (c.detail ?? c.image) ? `\`${c.detail ?? c.image}\`` : "the image";

const title = (what: string) => (c: RenderContext) => `Image pull failed for ${where(c)}: ${what}`;

export const platformMismatchRule: Rule = {
  category: "image-pull",
  subCause: "platform-mismatch",
  when: /descriptor matching platform|no matching manifest|no match for platform|exec format error|does not match the detected host platform/,
  detail: capture(/platform '?"?([a-z0-9]+\/[a-z0-9]+(?:\/v\d)?)/i),
  title: title("image built for another CPU architecture"),
  summary: (c) =>
    `${containerIn(c)} uses an image that has no variant for the task's platform${c.detail ? ` (${c.detail})` : ""}: an arm64-only image on x86_64, or the reverse.`,
  remediation: () => [
    "Build and push the image for the task's architecture (docker buildx build --platform linux/amd64,linux/arm64), or a multi-arch manifest list.",
    "Or set runtimePlatform.cpuArchitecture in the task definition (X86_64 or ARM64) to match the image; on EC2, run on instances of that architecture.",
    "Check with `docker manifest inspect IMAGE` which platforms the tag contains.",
  ],
  docs: [DOCS.cannotPullImage, DOCS.taskDefinitionParameters],
};

export const rateLimitRule: Rule = {
  category: "image-pull",
  subCause: "registry-rate-limited",
  when: /toomanyrequests|pull rate limit|too many requests|\b429\b/,
  and: /toomanyrequests|pull rate limit|pull|registry|docker/,
  unless: /throttlingexception|rate exceeded/,
  title: title("registry rate limit"),
  summary: () =>
    "The registry refused the pull because of its rate limit (Docker Hub limits anonymous and free-tier pulls per IP).",
  remediation: () => [
    "Mirror the image into Amazon ECR, or use an ECR pull-through cache rule for Docker Hub, and point the task definition at it.",
    "Or authenticate pulls with a paid Docker Hub account: repositoryCredentials with a Secrets Manager secret (Fargate) or ECS_ENGINE_AUTH_DATA (EC2).",
    "Pull by digest and avoid redeploy loops that re-pull the same image many times.",
  ],
  docs: [DOCS.cannotPullImage, DOCS.ecrPullThroughCache, DOCS.privateRegistryAuth],
};

const pullRules: readonly Rule[] = [
  {
    category: "image-pull",
    subCause: "invalid-image-reference",
    // Docker: "invalid reference format: repository name must be lowercase", "Error parsing reference: ... is not a
    // valid repository/tag"; containerd: "failed to parse image reference". A parse error comes before any request,
    // so it is read before the not-found and network wordings.
    when: /invalid reference format|repository name (?:\([^)]*\) )?must be lowercase|not a valid repository\/tag|failed to parse image reference|invalid image name|invalid repository name|invalid tag format|invalid checksum digest format/,
    title: title("invalid image reference"),
    summary: (c) =>
      `The image name of ${theContainer(c)} is not a valid reference (upper-case letters in the repository, a space, a trailing colon or a malformed tag or digest), so no registry was asked.`,
    remediation: () => [
      "Fix the image field: registry/repository:tag or registry/repository@sha256:digest, lower-case repository names, no spaces.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.taskDefinitionParameters],
  },
  {
    category: "image-pull",
    subCause: "registry-credentials-missing",
    when: /no basic auth credentials/,
    detail: imageRef,
    title: title("no registry credentials"),
    summary: (c) => `The pull of ${pulledImage(c)} was sent without credentials the registry accepts.`,
    remediation: () => [
      "For ECR: give the task execution role ecr:GetAuthorizationToken (AmazonECSTaskExecutionRolePolicy) and, on EC2, use a current ECS agent.",
      "For a private registry: set repositoryCredentials.credentialsParameter to a Secrets Manager secret with username and password, readable by the execution role.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.privateRegistryAuth, DOCS.executionRole],
  },
  {
    category: "image-pull",
    subCause: "pull-access-denied",
    when: /pull access denied|requested access to the resource is denied|may require 'docker login'/,
    detail: imageRef,
    title: title("access denied or repository does not exist"),
    summary: (c) =>
      `The registry denied the pull of ${pulledImage(c)}: the repository does not exist under that name, or it is private and the pull was not authenticated.`,
    remediation: () => [
      "Check the image name for typos, including the registry host and namespace (e.g. docker.io/library/nginx).",
      "If the repository is private, configure repositoryCredentials with a Secrets Manager secret that the task execution role can read.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.privateRegistryAuth],
  },
  {
    category: "image-pull",
    subCause: "registry-authentication-failed",
    // Read before the access-denied rule: GitLab answers bad credentials with "unauthorized: HTTP Basic: Access denied".
    when: /unauthorized|authentication required|\b401\b|incorrect username or password|authorization token has expired|invalid username|failed to authorize/,
    unless: /\b403\b|forbidden|not authorized to perform/,
    title: title("registry authentication failed"),
    summary: () => "The registry rejected the credentials used for the pull.",
    remediation: () => [
      "Check the username and password (or token) in the Secrets Manager secret named by repositoryCredentials; rotate it if it expired.",
      "For ECR on EC2, make sure the agent can obtain a fresh token (instance role or execution role with ecr:GetAuthorizationToken).",
    ],
    docs: [DOCS.privateRegistryAuth, DOCS.cannotPullImage],
  },
  {
    category: "image-pull",
    subCause: "access-denied",
    when: /not authorized to perform|accessdenied|access denied|\b403\b|forbidden|denied:/,
    detail: capture(/not authorized to perform:?\s*([a-z0-9-]+:[a-z0-9*]+)/i),
    title: title("access denied"),
    summary: (c) =>
      `The registry refused the pull${c.detail ? `: the caller is not allowed ${c.detail}` : ""}. For ECR this is the task execution role or the repository policy.`,
    remediation: (c) => [
      `Give the task execution role ${c.detail ? `${c.detail} and the other pull actions ` : ""}ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer (the managed AmazonECSTaskExecutionRolePolicy has them).`,
      "For a cross-account repository, allow the execution role in the repository policy; for a KMS-encrypted repository, allow kms:Decrypt on its key.",
      "Check that no SCP, permissions boundary or VPC endpoint policy denies the ECR actions or the S3 layer bucket.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.executionRole, DOCS.ecrRepositoryPolicies],
  },
  {
    category: "image-pull",
    subCause: "repository-not-found",
    when: /repository .{0,300}not found|name unknown|repository with name .{0,200}does not exist|repositorynotfound/,
    detail: imageRef,
    title: title("repository not found"),
    summary: (c) => `The repository of ${pulledImage(c)} does not exist in that registry, account or Region.`,
    remediation: (c) => [
      `Check the repository URI in the image of ${theContainer(c)}: account id, Region and repository name must match where the image was pushed.`,
      "Create the repository and push the image, or fix the image URI and register a new task definition revision.",
    ],
    docs: [DOCS.cannotPullImage],
  },
  {
    category: "image-pull",
    subCause: "image-not-found",
    when: /not found|manifest unknown|does not exist|\b404\b|imagenotfound/,
    detail: imageRef,
    title: title("image or tag not found"),
    summary: (c) =>
      `The tag or digest of ${pulledImage(c)} does not exist in the repository: it was never pushed, was deleted by a lifecycle policy, or the tag is misspelled.`,
    remediation: () => [
      "List the tags in the repository (aws ecr describe-images --repository-name NAME) and compare with the task definition's image.",
      "Push the missing tag, or register a task definition revision that uses an existing tag or digest.",
      "If a lifecycle policy expires images, exclude tags that deployed task definitions still reference.",
    ],
    docs: [DOCS.cannotPullImage],
  },
  {
    category: "image-pull",
    subCause: "unsupported-manifest",
    // BuildKit attestation/provenance manifests or OCI artifacts the runtime cannot unpack.
    when: /unsupported media type|unknown media ?type|unsupported manifest|mediatype .{0,40}not supported/,
    detail: imageRef,
    title: title("manifest type not supported"),
    summary: (c) =>
      `The manifest of ${pulledImage(c)} is of a media type the container runtime cannot pull (often a BuildKit attestation or another OCI artifact pushed with the image).`,
    remediation: () => [
      "Rebuild and push without attestations (docker buildx build --provenance=false --sbom=false), or point the task at the image manifest's digest.",
      "Check the tag with `docker buildx imagetools inspect IMAGE`: it must resolve to a linux image for the task's platform.",
    ],
    docs: [DOCS.cannotPullImage],
  },
  {
    category: "image-pull",
    subCause: "registry-tls-error",
    when: /x509|certificate signed by unknown authority|certificate has expired/,
    title: title("registry certificate not trusted"),
    summary: () => "The TLS certificate of the registry was not trusted, so the pull was refused.",
    remediation: () => [
      "Use a certificate from a public CA on the registry, or (EC2 only) add the CA to the instance's trust store.",
    ],
    docs: [DOCS.cannotPullImage],
  },
  {
    category: "image-pull",
    subCause: "registry-unavailable",
    // The registry answered, with a server error: it is reachable (not network) but down or overloaded.
    when: /\b50[0234]\b|service unavailable|bad gateway|gateway time-?out|internal server error/,
    detail: imageRef,
    title: title("registry returned a server error"),
    summary: (c) =>
      `The registry answered the pull of ${pulledImage(c)} with a server error (5xx): it was reached but is failing or overloaded.`,
    remediation: () => [
      "Retry: registry outages are usually short. Check the registry's status page (Docker Hub, GitHub, Quay, your own).",
      "Mirror images you depend on into Amazon ECR (or an ECR pull-through cache rule) so a third-party registry outage cannot stop deployments.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.ecrPullThroughCache],
  },
  {
    category: "image-pull",
    subCause: "pull-failed",
    when: PULL_CONTEXT,
    detail: imageRef,
    title: title("pull failed"),
    summary: (c) =>
      `ECS could not pull ${pulledImage(c)}; the registry returned an error that does not name a cause.`,
    remediation: (c) => [
      `Pull the image of ${theContainer(c)} by hand with the same credentials (docker pull) to see the registry's error.`,
      "Check the registry's status page, the execution role's ECR permissions and the task's route to the registry.",
    ],
    docs: [DOCS.cannotPullImage, DOCS.stoppedTaskErrors],
  },
];

/** Only applies when the message is about pulling an image. */
export const imagePullRules: readonly Rule[] = pullRules.map((rule) =>
  rule.when === PULL_CONTEXT ? rule : { ...rule, and: PULL_CONTEXT },
);
