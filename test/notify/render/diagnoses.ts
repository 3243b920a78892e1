/**
 * One realistic Diagnosis per category of the contract, as the diagnosis rules would produce them from real
 * stop events (reasons quoted as ECS writes them). Input for the golden renderings.
 */
import type { Category, Diagnosis } from "../../../src/shared/diagnosis/types.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;
const DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide";

function serviceTask(service: string, taskId: string, revision: number) {
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${taskId}`,
    clusterArn: CLUSTER_ARN,
    group: `service:${service}`,
    service,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${service}:${revision}`,
    family: service,
    revision,
    startedBy: "ecs-svc/4973123564937846291",
    stoppedAt: "2024-05-14T10:42:07.512Z",
  };
}

function standaloneTask(family: string, taskId: string, revision: number, startedBy: string) {
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${taskId}`,
    clusterArn: CLUSTER_ARN,
    group: `family:${family}`,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`,
    family,
    revision,
    startedBy,
    stoppedAt: "2024-05-14T02:15:31.004Z",
  };
}

export const DIAGNOSES: Readonly<Record<Category, Diagnosis>> = {
  "out-of-memory": {
    ...serviceTask("api", "0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f", 42),
    category: "out-of-memory",
    subCause: "container-oom-killed",
    severity: "critical",
    title: "Container `web` ran out of memory",
    summary:
      "Container web used more than its 512 MiB hard memory limit and the kernel killed it (exit code 137). " +
      "It was essential, so ECS stopped the task.",
    culprit: { name: "web", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" },
    evidence: [
      'container web: reason "OutOfMemoryError: Container killed due to memory usage"',
      "container web: exit code 137 (SIGKILL)",
      "container web: hard memory limit 512 MiB",
      'task: stopCode EssentialContainerExited, stoppedReason "Essential container in task exited"',
    ],
    remediation: [
      "Raise the memory of container web (and of the task, on Fargate) in the task definition, then deploy.",
      "Check the container's memory over time in Container Insights to tell a leak from a spike.",
      "Cap the runtime's heap below the limit (for example -Xmx or --max-old-space-size) so it fails softly.",
    ],
    docs: [`${DOCS}/stopped-task-errors.html`, `${DOCS}/memory-management.html`],
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    exitCodes: { web: 137, "log-router": 0 },
  },
  "image-pull": {
    ...serviceTask("api", "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6", 43),
    category: "image-pull",
    subCause: "image-not-found",
    severity: "critical",
    title: "Image of container `web` not found",
    summary:
      "ECS could not pull the image of container web: the tag v2.3.1 does not exist in the repository. " +
      "The task never started.",
    culprit: {
      name: "web",
      reason:
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v2.3.1: " +
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v2.3.1: not found",
    },
    evidence: [
      "container web: image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v2.3.1",
      'container web: reason contains "not found"',
      "task: stopCode TaskFailedToStart",
    ],
    remediation: [
      "Check that the tag v2.3.1 was pushed: aws ecr describe-images --repository-name api --image-ids imageTag=v2.3.1",
      "Fix the image reference in the task definition (repository, tag or digest) and deploy a new revision.",
      "If the pipeline pushes after it deploys, make the deploy wait for the push.",
    ],
    docs: [`${DOCS}/task_cannot_pull_image.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v2.3.1: not found",
  },
  secrets: {
    ...serviceTask("api", "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7", 44),
    category: "secrets",
    subCause: "secret-not-found",
    severity: "critical",
    title: "Secret for the task could not be found",
    summary:
      "The task could not start because the secret prod/api/db, named in the task definition, does not exist " +
      "in Secrets Manager.",
    evidence: [
      "secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-AbCdEf",
      'reason contains "ResourceNotFoundException"',
      "task: stopCode TaskFailedToStart",
    ],
    remediation: [
      "Check the secret's ARN in the task definition against aws secretsmanager list-secrets (region eu-west-1).",
      "If the secret was deleted, restore it with aws secretsmanager restore-secret within its recovery window.",
      "Reference the secret by its full ARN, including the random suffix, when it is in another account.",
    ],
    docs: [`${DOCS}/specifying-sensitive-data-tutorial.html`, `${DOCS}/resource-initialization-error.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval " +
      "failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch " +
      "secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-AbCdEf from secrets manager: " +
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
  },
  iam: {
    ...serviceTask("worker", "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8", 17),
    category: "iam",
    subCause: "execution-role-ssm-denied",
    severity: "critical",
    title: "Execution role may not read SSM parameters",
    summary:
      "The task execution role worker-execution is not allowed ssm:GetParameters on the parameters the task " +
      "definition references, so the task could not start.",
    evidence: [
      "role arn:aws:iam::123456789012:role/worker-execution",
      "action ssm:GetParameters denied on arn:aws:ssm:eu-west-1:123456789012:parameter/prod/worker/*",
      "task: stopCode TaskFailedToStart",
    ],
    remediation: [
      "Allow ssm:GetParameters on arn:aws:ssm:eu-west-1:123456789012:parameter/prod/worker/* in the execution role.",
      "If the parameters are SecureStrings with a customer managed key, also allow kms:Decrypt on that key.",
    ],
    docs: [`${DOCS}/task_execution_IAM_role.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval " +
      "failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: " +
      "User: arn:aws:sts::123456789012:assumed-role/worker-execution/3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8 is not " +
      "authorized to perform: ssm:GetParameters on resource: " +
      "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/worker/db-url because no identity-based policy allows " +
      "the ssm:GetParameters action",
  },
  network: {
    ...serviceTask("worker", "4d5e6f7a8b9c40d1e2f3a4b5c6d7e8f9", 17),
    category: "network",
    subCause: "no-route-to-ecr",
    severity: "critical",
    title: "Task could not reach Amazon ECR",
    summary:
      "The task timed out connecting to Amazon ECR to fetch registry credentials: its subnets have no route to " +
      "the internet (NAT gateway) and no ECR VPC endpoints.",
    evidence: [
      'reason contains "dial tcp 52.95.145.100:443: i/o timeout"',
      "launch type FARGATE, platform version 1.4.0",
      "task: stopCode TaskFailedToStart",
    ],
    remediation: [
      "Give the service's subnets a route to a NAT gateway, or enable a public IP for tasks in public subnets.",
      "Or add VPC endpoints for com.amazonaws.eu-west-1.ecr.api, ecr.dkr and an S3 gateway endpoint.",
      "Check that the security group allows outbound HTTPS (443).",
    ],
    docs: [`${DOCS}/resource-initialization-error.html`, `${DOCS}/vpc-endpoints.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval " +
      "failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: " +
      'send request failed caused by: Post "https://api.ecr.eu-west-1.amazonaws.com/": dial tcp ' +
      "52.95.145.100:443: i/o timeout",
  },
  storage: {
    ...serviceTask("reports", "5e6f7a8b9c0d41e2f3a4b5c6d7e8f9a0", 9),
    category: "storage",
    subCause: "efs-mount-failed",
    severity: "critical",
    title: "EFS volume could not be mounted",
    summary:
      "The task could not mount its EFS file system fs-0123456789abcdef0: the mount target is not reachable " +
      "from the task's subnet.",
    evidence: ["volume reports-data: EFS fs-0123456789abcdef0", "task: stopCode TaskFailedToStart"],
    remediation: [
      "Create an EFS mount target in every Availability Zone the service's subnets use.",
      "Allow NFS (TCP 2049) from the task's security group in the mount target's security group.",
    ],
    docs: [`${DOCS}/efs-volumes.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed " +
      'to resolve "fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com" - check that your file system ID is ' +
      "correct, and ensure that the VPC has an EFS mount target for this file system ID.",
  },
  "log-driver": {
    ...serviceTask("api", "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1", 45),
    category: "log-driver",
    subCause: "log-group-missing",
    severity: "critical",
    title: "Log group /ecs/api does not exist",
    summary:
      "The awslogs driver could not create a log stream because the log group /ecs/api does not exist, so the " +
      "task could not start.",
    evidence: [
      'reason contains "The specified log group does not exist"',
      "task: stopCode TaskFailedToStart",
    ],
    remediation: [
      "Create the log group: aws logs create-log-group --log-group-name /ecs/api",
      'Or set the awslogs option "awslogs-create-group": "true" and allow logs:CreateLogGroup in the execution role.',
    ],
    docs: [`${DOCS}/using_awslogs.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
      "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not " +
      "exist. : exit status 1",
  },
  "resource-limits": {
    ...serviceTask("indexer", "7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c2", 12),
    category: "resource-limits",
    subCause: "thin-pool-full",
    severity: "warning",
    title: "Container instance ran out of disk space",
    summary:
      "Docker on the container instance ran out of space in its storage thin pool, so container indexer " +
      "could not be created.",
    culprit: {
      name: "indexer",
      reason:
        "CannotCreateContainerError: Error response from daemon: devmapper: Thin Pool has 4350 free data " +
        "blocks which is less than minimum required 4454 free data blocks. Create more free space in thin pool " +
        "or use dm.min_free_space option to change behavior",
    },
    evidence: [
      'container indexer: reason contains "Thin Pool has 4350 free data blocks"',
      "launch type EC2, container instance i-0a1b2c3d4e5f67890",
    ],
    remediation: [
      "Let the ECS agent clean up sooner: lower ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION and ECS_IMAGE_CLEANUP_INTERVAL.",
      "Give the instances a larger data volume in the launch template.",
      "Drain and replace the instance if it is short of space now.",
    ],
    docs: [`${DOCS}/stopped-task-errors.html`, `${DOCS}/automated_image_cleanup.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "CannotCreateContainerError: Error response from daemon: devmapper: Thin Pool has 4350 free",
  },
  "elb-health-check": {
    ...serviceTask("api", "8b9c0d1e2f3a44b5c6d7e8f9a0b1c2d3", 46),
    category: "elb-health-check",
    subCause: "target-unhealthy",
    severity: "critical",
    title: "Task failed ELB health checks",
    summary:
      "The load balancer's target group api-tg marked the task unhealthy, so the service scheduler replaced it.",
    evidence: [
      "target group arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api-tg/0123456789abcdef",
      "task: stopCode ServiceSchedulerInitiated",
      "container web: exit code 137 after the scheduler stopped it",
    ],
    remediation: [
      "Check that the health check path of api-tg answers 200 on the container port within the timeout.",
      "Give a slow-starting application a healthCheckGracePeriodSeconds on the service.",
      "Allow traffic from the load balancer's security group to the task on the container port.",
    ],
    docs: [`${DOCS}/troubleshoot-service-load-balancers.html`],
    stopCode: "ServiceSchedulerInitiated",
    stoppedReason:
      "Task failed ELB health checks in (target-group " +
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api-tg/0123456789abcdef)",
    exitCodes: { web: 137 },
  },
  "container-health-check": {
    ...serviceTask("api", "9c0d1e2f3a4b45c6d7e8f9a0b1c2d3e4", 46),
    category: "container-health-check",
    subCause: "health-check-failed",
    severity: "critical",
    title: "Container `web` failed its health check",
    summary:
      "The health check command of essential container web kept failing, so ECS marked the task unhealthy " +
      "and the service replaced it.",
    culprit: { name: "web", exitCode: 143 },
    evidence: [
      "container web: healthStatus UNHEALTHY",
      'task: stoppedReason "Task failed container health checks"',
    ],
    remediation: [
      "Run the health check command inside the container (ECS Exec) and look at its exit code.",
      "Make sure the command's tools (curl, wget) exist in the image.",
      "Raise startPeriod if the application needs longer to start.",
    ],
    docs: [`${DOCS}/healthcheck.html`],
    stopCode: "ServiceSchedulerInitiated",
    stoppedReason: "Task failed container health checks",
    exitCodes: { web: 143 },
  },
  "app-exit": {
    ...serviceTask("api", "a0b1c2d3e4f546a7b8c9d0e1f2a3b4c5", 46),
    category: "app-exit",
    subCause: "non-zero-exit",
    severity: "critical",
    title: "Container `web` exited with code 1",
    summary:
      "Essential container web exited with code 1: the application itself failed, so ECS stopped the task.",
    culprit: { name: "web", exitCode: 1 },
    evidence: ["container web: exit code 1", 'task: stoppedReason "Essential container in task exited"'],
    remediation: [
      "Read the last lines of container web's logs: the error that made it exit is usually there.",
      "Check configuration that changed with this revision: environment variables, secrets, command.",
    ],
    docs: [`${DOCS}/stopped-task-errors.html`],
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    exitCodes: { web: 1 },
  },
  completed: {
    ...standaloneTask("nightly-report", "b1c2d3e4f5a647b8c9d0e1f2a3b4c5d6", 7, "events-rule/nightly-report"),
    category: "completed",
    subCause: "exited-zero",
    severity: "info",
    title: "Task completed",
    summary: "Essential container report exited with code 0: the job finished its work.",
    culprit: { name: "report", exitCode: 0 },
    evidence: ["container report: exit code 0"],
    remediation: [],
    docs: [],
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    exitCodes: { report: 0 },
  },
  "spot-interruption": {
    ...serviceTask("worker", "c2d3e4f5a6b748c9d0e1f2a3b4c5d6e7", 17),
    category: "spot-interruption",
    subCause: "fargate-spot-reclaimed",
    severity: "warning",
    title: "Fargate Spot capacity was reclaimed",
    summary: "AWS reclaimed the Fargate Spot capacity the task ran on; the service will start a replacement.",
    evidence: ["capacity provider FARGATE_SPOT", "task: stopCode SpotInterruption"],
    remediation: [
      "Nothing to do if the service tolerates interruptions; the scheduler replaces the task.",
      "Keep a base of FARGATE (on-demand) tasks in the capacity provider strategy for steady capacity.",
      "Handle SIGTERM to finish in-flight work within the two-minute notice.",
    ],
    docs: [`${DOCS}/fargate-capacity-providers.html`],
    stopCode: "SpotInterruption",
    stoppedReason: "Your Spot Task was interrupted.",
  },
  scaling: {
    ...serviceTask("api", "d3e4f5a6b7c849d0e1f2a3b4c5d6e7f8", 46),
    category: "scaling",
    subCause: "deployment-replacement",
    severity: "info",
    title: "Task stopped by the service scheduler",
    summary:
      "The service scheduler stopped the task while replacing tasks during a deployment. This is expected.",
    evidence: [
      'task: stoppedReason "Scaling activity initiated by (deployment ecs-svc/4973123564937846291)"',
    ],
    remediation: [],
    docs: [],
    stopCode: "ServiceSchedulerInitiated",
    stoppedReason: "Scaling activity initiated by (deployment ecs-svc/4973123564937846291)",
    exitCodes: { web: 0 },
  },
  "user-stopped": {
    ...standaloneTask("migrate", "e4f5a6b7c8d940e1f2a3b4c5d6e7f8a9", 31, "ci/deploy-1234"),
    category: "user-stopped",
    subCause: "stop-task",
    severity: "info",
    title: "Task stopped by a user",
    summary: "Someone or something called StopTask on this task. This is expected if it was intended.",
    evidence: ['task: stoppedReason "Task stopped by user"', "task: stopCode UserInitiated"],
    remediation: ["Check CloudTrail for the StopTask call to see who stopped it, if that was not you."],
    docs: [],
    stopCode: "UserInitiated",
    stoppedReason: "Task stopped by user",
  },
  placement: {
    ...serviceTask("worker", "f5a6b7c8d9e041f2a3b4c5d6e7f8a9b0", 17),
    category: "placement",
    subCause: "fargate-capacity-unavailable",
    severity: "warning",
    title: "Fargate capacity unavailable",
    summary: "Fargate had no capacity for this task in the chosen Availability Zone at the time.",
    evidence: ['task: stoppedReason contains "Capacity is unavailable at this time"'],
    remediation: [
      "Spread the service over subnets in more Availability Zones.",
      "Retry later; the service scheduler keeps trying on its own.",
    ],
    docs: [`${DOCS}/stopped-task-errors.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason:
      "Capacity is unavailable at this time. Please try again later or in a different availability zone",
  },
  platform: {
    ...serviceTask("indexer", "a6b7c8d9e0f142a3b4c5d6e7f8a9b0c1", 12),
    category: "platform",
    subCause: "host-terminated",
    severity: "warning",
    title: "Host EC2 instance terminated",
    summary: "The EC2 container instance that ran the task was terminated, taking the task with it.",
    evidence: ["container instance i-0a1b2c3d4e5f67890", "task: stopCode TerminationNotice"],
    remediation: [
      "Check the Auto Scaling group's activity history for why the instance was terminated.",
      "Use managed termination protection and instance draining so tasks move before the host goes away.",
    ],
    docs: [`${DOCS}/container-instance-draining.html`],
    stopCode: "TerminationNotice",
    stoppedReason: "Host EC2 (instance i-0a1b2c3d4e5f67890) terminated.",
  },
  "start-failure": {
    ...serviceTask("api", "b7c8d9e0f1a243b4c5d6e7f8a9b0c1d2", 47),
    category: "start-failure",
    subCause: "entrypoint-not-executable",
    severity: "critical",
    title: "Container `web` could not start",
    summary: "The runtime could not start container web: its entrypoint /app/start.sh is not executable.",
    culprit: {
      name: "web",
      reason:
        "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime " +
        'create failed: runc create failed: unable to start container process: exec: "/app/start.sh": ' +
        "permission denied: unknown",
    },
    evidence: ['container web: reason contains "permission denied"', "task: stopCode TaskFailedToStart"],
    remediation: [
      "Make the entrypoint executable in the image (chmod +x /app/start.sh in the Dockerfile) and rebuild.",
      "Check the entryPoint and command of container web in the task definition.",
    ],
    docs: [`${DOCS}/stopped-task-errors.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason: "CannotStartContainerError: Error response from daemon: failed to create shim task",
  },
  unknown: {
    ...standaloneTask("backfill", "c8d9e0f1a2b344c5d6e7f8a9b0c1d2e3", 3, "manual"),
    category: "unknown",
    subCause: "unrecognised",
    severity: "warning",
    title: "Task stopped for an unrecognised reason",
    summary: "The task stopped for a reason ecs-sentinel does not recognise yet. The evidence is below.",
    evidence: [
      'task: stoppedReason "Task stopped: internal error (code 5123)"',
      "task: stopCode TaskFailedToStart",
    ],
    remediation: [
      "Read the stopped reason and the containers' reasons in the console.",
      "If it repeats, open an issue with the event so a rule can be added.",
    ],
    docs: [`${DOCS}/stopped-task-errors.html`],
    stopCode: "TaskFailedToStart",
    stoppedReason: "Task stopped: internal error (code 5123)",
  },
};

/** What the handler knows from the EventBridge envelope. */
export const ENV = { account: ACCOUNT, region: REGION, time: "2024-05-14T10:42:08Z" } as const;
