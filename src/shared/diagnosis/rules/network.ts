/**
 * network: the task could not reach what it needed.
 *
 * Boundary with image-pull / secrets / log-driver: when the message shows a connection failure (i/o timeout, dial tcp,
 * context canceled or deadline exceeded, request canceled while waiting for connection, no such host, "signal: killed"
 * of the pull/logger helper, containerd's "failed to do request" which never carries an HTTP status...), the fix is in the VPC (route, NAT, VPC endpoint, security group, DNS), not in the image,
 * the secret or the log group, so the verdict is `network` and the sub-cause names the endpoint that was unreachable.
 * Volume mounts are the exception: a timed-out or reset EFS mount is `storage` (its own security-group and mount-target
 * fixes), while an EFS name that does not resolve is `network` (VPC DNS settings), checked before the storage rules.
 * AWS documents "pull command failed: panic: ... nil pointer dereference" as no route to S3 for image layers: `network`.
 */
import { DOCS } from "../docs.js";
import { capture, type RenderContext, type Rule, where } from "./rule.js";

/** A connection-level failure, whichever service it was talking to. */
export const CONNECTIVITY =
  /i\/o timeout|dial tcp|connection timed out|connection refused|request canceled while waiting for connection|net\/http: request canceled|failed to do request|client\.timeout exceeded|context deadline exceeded|context canceled|request context canceled|requestcanceled|network is unreachable|no route to host|tls handshake timeout|send request failed|no such host|server misbehaving|temporary failure in name resolution|connection reset by peer|signal: killed|check your task network configuration|connection issue|(?:could not|couldn't|cannot|unable to) reach|unreachable/;

const DNS = /no such host|server misbehaving|temporary failure in name resolution/;

/** TLS failures surface through the same HTTP client errors, but the fix is the registry's certificate. */
const CERTIFICATE = /x509|certificate (?:signed by|has expired|is not valid)/;

const host = capture(/(?:lookup|https?:\/\/|dial tcp:? (?:lookup )?)([a-z0-9.-]+\.[a-z]{2,})/i);

const title = (c: RenderContext) =>
  `Network failure: ${where(c)} could not reach ${c.detail ?? "a required endpoint"}`;

const routeSteps = (endpoints: string): string[] => [
  `Give the task's subnets a route to ${endpoints}: a NAT gateway for private subnets, a public IP (assignPublicIp ENABLED) for public subnets, or interface VPC endpoints.`,
  "Check that the task's security groups allow outbound HTTPS (443) and the VPC endpoint's security group allows inbound 443 from the task.",
  "Check the subnet's network ACLs and, if you use VPC endpoints, that enableDnsSupport and enableDnsHostnames are on and private DNS is enabled on the endpoints.",
];

interface EndpointSpec {
  subCause: string;
  and: RegExp;
  what: string;
  endpoints: string;
  docs: readonly string[];
}

const ENDPOINTS: readonly EndpointSpec[] = [
  {
    subCause: "no-route-to-ecr",
    and: /ecr registry auth|amazon ecr\b|api\.ecr|\.dkr\.ecr|ecr\.[a-z0-9-]+\.amazonaws|getauthorizationtoken/,
    what: "Amazon ECR",
    endpoints:
      "Amazon ECR (interface endpoints com.amazonaws.REGION.ecr.api and com.amazonaws.REGION.ecr.dkr, plus the S3 gateway endpoint for image layers)",
    docs: [DOCS.cannotPullImage, DOCS.ecrVpcEndpoints, DOCS.resourceInitialization],
  },
  {
    subCause: "no-route-to-s3",
    // Environment files are downloaded from S3 too.
    and: /starport-layer-bucket|\bs3[.-][a-z0-9.-]*amazonaws|\.s3\.amazonaws|s3\.amazonaws|download env files|environment files?/,
    what: "Amazon S3",
    endpoints:
      "Amazon S3 (a gateway endpoint com.amazonaws.REGION.s3 on the task's route tables; ECR image layers and environment files are served from S3)",
    docs: [DOCS.ecrVpcEndpoints, DOCS.resourceInitialization],
  },
  {
    subCause: "no-route-to-secrets-manager",
    and: /secretsmanager|from asm|asm fetching|secrets manager|registry auth from asm/,
    what: "AWS Secrets Manager",
    endpoints: "AWS Secrets Manager (interface endpoint com.amazonaws.REGION.secretsmanager)",
    docs: [DOCS.resourceInitialization, DOCS.secretsManagerEnv, DOCS.ecsVpcEndpoints],
  },
  {
    subCause: "no-route-to-ssm",
    and: /\bssm\b|ssm\.|parameter store/,
    what: "AWS Systems Manager Parameter Store",
    endpoints: "AWS Systems Manager (interface endpoint com.amazonaws.REGION.ssm)",
    docs: [DOCS.resourceInitialization, DOCS.ssmParameterEnv, DOCS.ecsVpcEndpoints],
  },
  {
    subCause: "no-route-to-cloudwatch-logs",
    and: /logs\.[a-z0-9-]+\.amazonaws|logger|logging driver|log driver|log stream|log group|awslogs/,
    what: "CloudWatch Logs",
    endpoints: "CloudWatch Logs (interface endpoint com.amazonaws.REGION.logs)",
    docs: [DOCS.resourceInitialization, DOCS.awslogs, DOCS.ecsVpcEndpoints],
  },
  {
    subCause: "no-route-to-kms",
    and: /kms\.[a-z0-9-]+\.amazonaws/,
    what: "AWS KMS",
    endpoints: "AWS KMS (interface endpoint com.amazonaws.REGION.kms)",
    docs: [DOCS.resourceInitialization, DOCS.ecsVpcEndpoints],
  },
  {
    subCause: "no-route-to-registry",
    and: /cannotpullcontainer|pull image|ref pull|registry|docker\.io|ghcr\.io|quay\.io|gcr\.io|public\.ecr\.aws/,
    what: "the image registry",
    endpoints:
      "the image registry (the internet through a NAT gateway or public IP; for ECR, the ecr.api/ecr.dkr interface endpoints and the S3 gateway endpoint)",
    docs: [DOCS.cannotPullImage, DOCS.ecrVpcEndpoints],
  },
];

const eniRules: readonly Rule[] = [
  {
    category: "network",
    subCause: "subnet-out-of-ip-addresses",
    taskLevel: true,
    when: /insufficientfreeaddressesinsubnet|insufficient free addresses|no free (?:ip )?addresses/,
    title: (c) => `No free IP address in the subnet for ${where(c)}`,
    summary: () =>
      "ECS could not create the task's network interface because the subnet has no free IP addresses.",
    remediation: () => [
      "Add subnets with free addresses to the service's or RunTask's network configuration, or use larger subnets.",
      "Look for leaked or idle ENIs in the subnet (Available network interfaces) and delete them.",
    ],
    docs: [DOCS.taskNetworking, DOCS.stoppedTaskErrors],
  },
  {
    category: "network",
    subCause: "eni-provisioning-timeout",
    taskLevel: true,
    when: /network interface provisioning|waiting for (?:the )?(?:network interface|eni)|eni attachment.{0,40}time/,
    title: (c) => `Network interface for ${where(c)} was not ready in time`,
    summary: () =>
      "The task's elastic network interface (awsvpc) was not provisioned and attached before ECS gave up, so the task never started.",
    remediation: (c) =>
      c.launchType?.toUpperCase() === "FARGATE"
        ? [
            "Retry: this is often transient on Fargate. If it persists, check the subnet's free IPs and EC2 API throttling of CreateNetworkInterface.",
            "Check the service's event messages for ENI errors in the same subnets.",
          ]
        : [
            "Check that the container instance can attach another ENI (instance type ENI limit); enable awsvpcTrunking to raise the per-instance task density.",
            "Check the subnet's free IPs and the ECS agent log on the instance for ENI attachment errors.",
          ],
    docs: [DOCS.eniTrunking, DOCS.taskNetworking, DOCS.stoppedTaskErrors],
  },
  {
    category: "network",
    subCause: "eni-creation-failed",
    taskLevel: true,
    when: /create network interface|createnetworkinterface|unexpected ec2 error|failed to (?:configure|setup|set up) (?:regular |branch |trunk )?eni|netplugin failed|eni .{0,20}(?:failed|error)/,
    detail: capture(
      /(AuthFailure|InvalidParameterValue|UnauthorizedOperation|RequestLimitExceeded|InvalidSubnetID\.NotFound|InvalidGroup\.NotFound)/,
    ),
    title: (c) => `Network interface for ${where(c)} could not be created`,
    summary: (c) =>
      `ECS could not create or configure the task's network interface${c.detail ? ` (${c.detail})` : ""}, so the task never started.`,
    remediation: (c) => [
      "Check that the subnets and security groups in the network configuration exist, belong to the same VPC, and are in the task's account and Region.",
      c.detail === "AuthFailure" || c.detail === "UnauthorizedOperation"
        ? "Check the ECS service-linked role (AWSServiceRoleForECS) exists and is not restricted by an SCP or permissions boundary; it creates the ENI."
        : "Check the ECS service-linked role (AWSServiceRoleForECS) and any SCP that could block ec2:CreateNetworkInterface.",
      "For a public IP (assignPublicIp ENABLED), the subnet must be a public subnet in the same VPC.",
    ],
    docs: [DOCS.taskNetworking, DOCS.stoppedTaskErrors],
  },
];

const dnsRule: Rule = {
  category: "network",
  subCause: "dns-resolution-failed",
  when: DNS,
  detail: host,
  title: (c) => `DNS lookup failed for ${where(c)}`,
  summary: (c) =>
    `The task could not resolve ${c.detail ? `\`${c.detail}\`` : "a host name"}, so it could not reach the service it needed.`,
  remediation: (c) => [
    "Enable DNS resolution (enableDnsSupport) and DNS hostnames (enableDnsHostnames) on the VPC.",
    "If the VPC uses custom DHCP options or Route 53 Resolver rules, make sure they can resolve AWS endpoints and public names.",
    c.detail
      ? `Check the spelling of \`${c.detail}\` (image URI, endpoint override).`
      : "Check the spelling of the host names the task uses (image URI, endpoint overrides).",
  ],
  docs: [DOCS.resourceInitialization, DOCS.taskNetworking],
};

const endpointRules: readonly Rule[] = ENDPOINTS.map(
  (spec): Rule => ({
    category: "network",
    subCause: spec.subCause,
    when: CONNECTIVITY,
    and: spec.and,
    unless: CERTIFICATE,
    detail: () => spec.what,
    title,
    summary: (c) =>
      `${c.container ? `\`${c.container}\` in ${c.subject}` : `The task of ${c.subject}`} timed out or lost the connection while calling ${spec.what}: the task's network has no working route to it.`,
    remediation: () => routeSteps(spec.endpoints),
    docs: spec.docs,
  }),
);

const genericConnectivity: Rule = {
  category: "network",
  subCause: "connection-failed",
  when: CONNECTIVITY,
  unless: CERTIFICATE,
  detail: host,
  title,
  summary: (c) =>
    `The task could not connect to ${c.detail ? `\`${c.detail}\`` : "a required endpoint"} while starting: a route, NAT gateway, VPC endpoint or security group is missing.`,
  remediation: () =>
    routeSteps("the AWS services the task needs (ECR, S3, Secrets Manager, SSM, CloudWatch Logs)"),
  docs: [DOCS.resourceInitialization, DOCS.ecsVpcEndpoints, DOCS.taskNetworking],
};

/** Checked before the storage rules: the file system name does not resolve in the VPC. */
export const efsDnsRule: Rule = {
  category: "network",
  subCause: "efs-dns-resolution-failed",
  when: /failed to resolve "?(?:[a-z0-9-]+\.)?fs-[\w<>]+\.(?:efs|s3files)\.|(?:efs|s3 files) mount target for this file system id|fs-[0-9a-f]+\.efs\..{0,80}(?:no such host|could not resolve|name resolution)/,
  detail: capture(/(fs-[0-9a-f]+(?:\.efs\.[a-z0-9.-]+)?)/i),
  title: (c) => `DNS name of the EFS file system not resolved for ${where(c)}`,
  summary: (c) =>
    `The task could not resolve ${c.detail ? `\`${c.detail}\`` : "the EFS file system's DNS name"}: there is no mount target in the task's Availability Zone, or VPC DNS is off.`,
  remediation: () => [
    "Enable DNS resolution (enableDnsSupport) and DNS hostnames (enableDnsHostnames) on the VPC.",
    "Create an EFS mount target in every Availability Zone (subnet) the task can run in.",
    "Check the fileSystemId and that the file system is in the task's Region and VPC; with custom DNS, forward amazonaws.com to the VPC resolver.",
  ],
  docs: [DOCS.efsVolumes, DOCS.efsMountTroubleshooting],
};

const s3PanicRule: Rule = {
  category: "network",
  subCause: "no-route-to-s3",
  when: /pull command failed: panic|nil pointer dereference/,
  and: /cannotpullcontainer|pull/,
  detail: () => "Amazon S3",
  title,
  summary: (c) =>
    `The image pull helper of ${c.subject} crashed while downloading layers, which AWS documents as the task having no route (or no security group rule) to Amazon S3, where ECR keeps image layers.`,
  remediation: () =>
    routeSteps(
      "Amazon S3 (a gateway endpoint com.amazonaws.REGION.s3 on the task's route tables, or a NAT gateway; ECR image layers are served from S3)",
    ),
  docs: [DOCS.cannotPullImage, DOCS.ecrVpcEndpoints],
};

/** ENI problems are recognised by their own words and may contain "timeout": they go before the connectivity rules. */
export const networkRules: readonly Rule[] = [
  ...eniRules,
  dnsRule,
  s3PanicRule,
  ...endpointRules,
  genericConnectivity,
];
