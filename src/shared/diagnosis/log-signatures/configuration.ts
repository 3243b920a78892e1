/**
 * Signatures of an application that cannot start from its configuration: a missing environment variable or
 * config file, a dependency it cannot reach (refused, timed out, not resolved), a port it cannot bind.
 * Each `source` is a public report quoting such a line.
 */
import { DOCS } from "../docs.js";
import { type LogSignature, REFINABLE_CATEGORIES } from "./types.js";

const ALL = REFINABLE_CATEGORIES;
const CHECK_DEPENDENCY = [
  "Check that {host}:{port} is the right address for this environment; inside a task, `localhost` is the task itself, not another service.",
  "Check that the dependency is up and accepts connections on port {port} (its own service, cluster or instance).",
  "Check the security groups: the dependency's must allow inbound {port} from the task's security group.",
];

export const CONFIGURATION_SIGNATURES: readonly LogSignature[] = [
  {
    id: "python-missing-env-var",
    refines: ALL,
    subCause: "missing-environment-variable",
    hints: ["keyerror"],
    pattern: /^\s{0,8}KeyError: '(?<name>[A-Z][A-Z0-9_]{1,100})'\s*$/,
    context: /Traceback \(most recent call last\)|os\.py|environ/,
    specificity: 3,
    title: "{who} exited: environment variable `{name}` is not set",
    summary:
      "The application read the environment variable `{name}` at startup and it was not there, so it raised KeyError and exited.",
    remediation: [
      "Add `{name}` to the container's `environment` (or `secrets`, if it is sensitive) in the task definition, then deploy a new revision.",
      "If it is set from Secrets Manager or SSM, check the secret's key name and that the task definition revision in use has it.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.sensitiveData],
    confidence: "likely",
    source: "https://github.com/cookiecutter/cookiecutter-django/issues/2821",
  },
  {
    id: "named-missing-env-var",
    refines: ALL,
    subCause: "missing-environment-variable",
    hints: ["environment variable", "env var", "environment var"],
    // No /i flag: under it [A-Z] would match any word, and the name is upper case by convention.
    pattern:
      /(?:(?:[Ss]et|[Mm]issing|[Rr]equired|[Uu]ndefined)\b[^\n]{0,40}?\b(?<name>[A-Z][A-Z0-9_]{2,100})\b['"`]?\s(?:[Ee]nv(?:ironment)?[ _-]?[Vv]ar(?:iable)?)|(?:[Mm]issing|[Rr]equired|[Uu]ndefined|[Nn]ot set)\b[^\n]{0,40}?[Ee]nv(?:ironment)?[ _-]?[Vv]ar(?:iable)?s?\b[ :'"`]{0,4}(?<name2>[A-Z][A-Z0-9_]{2,100})|[Ee]nv(?:ironment)?[ _-]?[Vv]ar(?:iable)?\s['"`]?(?<name3>[A-Z][A-Z0-9_]{2,100})['"`]?\s(?:is\s)?(?:not set|missing|required|undefined|must be set|empty))/,
    specificity: 3,
    title: "{who} exited: environment variable `{name}` is not set",
    summary:
      "The application needs the environment variable `{name}` and stopped because it is missing or empty.",
    remediation: [
      "Add `{name}` to the container's `environment` (or `secrets`, if it is sensitive) in the task definition, then deploy a new revision.",
      "Compare the failing revision's environment with the last revision that worked: a rename or a removed entry shows up there.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.sensitiveData],
    confidence: "likely",
    source: "https://github.com/cookiecutter/cookiecutter-django/issues/2821",
  },
  {
    id: "dotnet-missing-config-file",
    refines: ALL,
    subCause: "missing-config-file",
    hints: ["configuration file"],
    pattern: /configuration file '(?<file>[^'\n]{1,300})' was not found/i,
    specificity: 3,
    title: "{who} exited: configuration file `{file}` is missing from the image",
    summary:
      "The application requires the configuration file `{file}` and it is not in the container's file system.",
    remediation: [
      "Make sure the build copies `{file}` into the image (publish output, Dockerfile COPY) at the path the application reads.",
      "If the file comes from a volume or is generated at startup, check that the volume is mounted at that path in this task definition.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.bindMounts],
    confidence: "likely",
    source: "https://github.com/spaytac/linkdingsync/issues/3",
  },
  {
    id: "missing-config-file",
    refines: ALL,
    subCause: "missing-config-file",
    hints: ["no such file", "not found", "does not exist", "enoent"],
    pattern:
      /(?<![\w./~-])(?<file>[\w./~-]{0,200}\.(?:ya?ml|json|toml|ini|conf|cfg|env|properties|xml))['"]?[:,)]?\s{0,4}(?:no such file|not found|does not exist)|(?:no such file or directory|enoent)[^'"\n]{0,40}['"](?<file2>[^'"\n]{0,200}\.(?:ya?ml|json|toml|ini|conf|cfg|env|properties|xml))['"]/i,
    specificity: 3,
    title: "{who} exited: configuration file `{file}` was not found",
    summary: "The application tried to read `{file}` at startup and the file is not in the container.",
    remediation: [
      "Make sure the image contains `{file}` at that path (Dockerfile COPY, build output) or that the volume providing it is mounted there.",
      "Check the working directory: a relative path is read from the container's `workingDirectory` (or the image's WORKDIR).",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.bindMounts],
    confidence: "likely",
    source: "https://github.com/jakobmoellerdev/octi-sync-server/issues/199",
  },
  {
    id: "connection-refused",
    refines: ALL,
    subCause: "dependency-connection-refused",
    hints: ["econnrefused", "refused"],
    pattern:
      /(?:ECONNREFUSED\s\[?(?<host>[\w.:-]{1,255}?)\]?:(?<port>\d{1,5})\b|dial tcp \[?(?<host2>[\w.:-]{1,255}?)\]?:(?<port2>\d{1,5}): connect: connection refused|connection to server at "(?<host3>[^"\n]{1,255})"(?: \([^)\n]{1,64}\))?, port (?<port3>\d{1,5}) failed: Connection refused|Connection to (?<host4>[\w.-]{1,255}):(?<port4>\d{1,5}) refused|Connection refused)/i,
    specificity: 3,
    defaults: { host: "the dependency", port: "its port" },
    title: "{who} exited: connection refused by {host}:{port}",
    summary:
      "The application could not connect to {host}:{port}: the address answered but nothing accepted the connection there, so it gave up and exited.",
    remediation: CHECK_DEPENDENCY,
    docs: [DOCS.taskNetworking],
    confidence: "likely",
    source: "https://github.com/csfloat/inspect/issues/172",
  },
  {
    id: "connection-timed-out",
    refines: ALL,
    subCause: "dependency-connection-timed-out",
    hints: ["etimedout", "timed out", "i/o timeout", "timeout expired"],
    pattern:
      /(?:ETIMEDOUT\s\[?(?<host>[\w.:-]{1,255}?)\]?:(?<port>\d{1,5})\b|dial tcp \[?(?<host2>[\w.:-]{1,255}?)\]?:(?<port2>\d{1,5}): (?:i\/o timeout|connect: connection timed out)|connection to server at "(?<host3>[^"\n]{1,255})"(?: \([^)\n]{1,64}\))?, port (?<port3>\d{1,5}) failed: (?:timeout expired|Connection timed out)|connect timed out|Connection timed out)/i,
    specificity: 3,
    defaults: { host: "the dependency", port: "its port" },
    title: "{who} exited: connection to {host}:{port} timed out",
    summary:
      "The application's connection to {host}:{port} got no answer at all: packets are dropped on the way (security group, network ACL, route) or the address is wrong.",
    remediation: [
      "Allow inbound {port} from the task's security group on the dependency's security group; a timeout (not a refusal) is what a missing rule looks like.",
      "Check the route from the task's subnets to {host}: a private dependency needs the same VPC or a peering/transit route; a public one needs a NAT gateway (or a public IP on Fargate).",
      "Check network ACLs on both subnets for port {port} and the ephemeral return ports.",
    ],
    docs: [DOCS.taskNetworking],
    confidence: "likely",
    source: "https://github.com/me-box/databox/issues/320",
  },
  {
    id: "dns-resolution-failed",
    refines: ALL,
    subCause: "dns-resolution-failed",
    hints: [
      "enotfound",
      "eai_again",
      "no such host",
      "unknownhost",
      "name or service not known",
      "translate host name",
      "name resolution",
    ],
    pattern:
      /(?:getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?<host>[\w.-]{1,255})|lookup (?<host2>[\w.-]{1,255}) on [\w.:[\]]{1,64}: no such host|UnknownHostException: (?<host3>[\w.-]{1,255})|could not translate host name "(?<host4>[^"\n]{1,255})" to address|Name or service not known|Temporary failure in name resolution)/i,
    specificity: 3,
    defaults: { host: "a host name" },
    title: "{who} exited: it could not resolve {host}",
    summary:
      "The application could not turn {host} into an address (DNS), so it could not reach that dependency and exited.",
    remediation: [
      "Check the spelling of {host} in the configuration for this environment; a name that only exists in docker-compose or another VPC does not resolve here.",
      "For a Service Connect or Cloud Map name, check that this service is in the same namespace and that the target service is registered.",
      "For a private hosted zone, check that it is associated with the task's VPC and that the VPC has DNS resolution and DNS hostnames enabled.",
    ],
    docs: [DOCS.taskNetworking],
    confidence: "likely",
    source: "https://github.com/me-box/databox/issues/57",
  },
  {
    id: "address-in-use",
    refines: ALL,
    subCause: "address-in-use",
    hints: ["eaddrinuse", "address already in use", "connection in use"],
    // gunicorn words it `Connection in use: ('127.0.0.1', 8080)` (paperless-ng#230, tubesync#205).
    pattern:
      /(?:EADDRINUSE(?::\s*address already in use)?\s(?:[\w.]{0,64}|:::?):?(?<port>\d{1,5})\b|bind(?:\(\))?[^\n]{0,80}?:(?<port2>\d{1,5})\b[^\n]{0,40}address already in use|Connection in use: \('[^'\n]{0,255}', (?<port3>\d{1,5})\)|address already in use)/i,
    specificity: 3,
    defaults: { port: "its port" },
    title: "{who} exited: port {port} is already in use",
    summary:
      "The application could not listen on port {port} because another process already holds it. With awsvpc networking every container of a task shares one network namespace, so two containers of the task (or two processes in one) cannot use the same port.",
    remediation: [
      "Give each container of the task its own port: with awsvpc (Fargate), a sidecar and the app cannot both listen on {port}.",
      "On EC2 with host networking, a second task of this service on the same instance holds {port}: use bridge/awsvpc networking or spread the tasks (distinctInstance).",
      "Check that the container's command does not start the server twice (a process manager plus the app itself).",
    ],
    docs: [DOCS.taskNetworking, DOCS.taskPlacement],
    confidence: "likely",
    source: "https://github.com/SharlSherif/Generate-HoustonLibrary-Codes/issues/8",
  },
  {
    id: "listening-on-localhost",
    refines: ["elb-health-check", "container-health-check"],
    subCause: "listening-on-localhost",
    hints: ["127.0.0.1", "localhost"],
    pattern:
      /(?:listening|running|started|serving)\b[^\n]{0,60}?(?:https?:\/\/)?(?:127\.0\.0\.1|localhost):(?<port>\d{1,5})\b/i,
    specificity: 2,
    title: "{who} listens only on localhost:{port}, out of the health check's reach",
    summary:
      "The application bound to 127.0.0.1:{port}, which only the container itself can reach, so the load balancer (and anything outside the task) cannot connect and the health checks fail.",
    remediation: [
      "Make the server listen on 0.0.0.0:{port} (for example `--host 0.0.0.0`, `server.address=0.0.0.0`, `HOST=0.0.0.0`).",
      "Check that `containerPort` in the port mappings and the target group's port are {port}.",
    ],
    docs: [DOCS.elbTroubleshooting, DOCS.taskNetworking],
    confidence: "likely",
    source: "https://github.com/ruddra/docker-django/issues/3",
  },
  {
    id: "listening-port",
    refines: ["elb-health-check", "container-health-check"],
    subCause: "listening-port-check",
    hints: ["listening", "started on port", "running on", "port(s)"],
    pattern:
      /(?:listening (?:on|at)\b[^\n]{0,40}?(?:port\s|:)(?<port>\d{2,5})\b|started on port\(?s?\)?:?\s(?<port2>\d{2,5})\b|running on https?:\/\/[\w.[\]:]{1,64}?:(?<port3>\d{2,5})\b)/i,
    specificity: 0,
    title: "{who} failed its health checks while listening on port {port}",
    summary:
      "The application reported that it listens on port {port}, yet the health checks failed: the port they probe, the path they request or the time they allow does not match what the application serves.",
    remediation: [
      "Check that `containerPort` in the port mappings and the target group's health check port are {port}.",
      "Check the health check path returns 200 (or the matcher's codes) on port {port} without authentication or a redirect.",
      "If the application needs time to warm up, raise the service's `healthCheckGracePeriodSeconds` (ELB) or the container health check's `startPeriod`.",
    ],
    docs: [DOCS.elbTroubleshooting, DOCS.containerHealthCheck],
    confidence: "likely",
    source: "https://github.com/jupyter/nbviewer/issues/600",
  },
];
