/**
 * Signatures of an image or process that cannot run as packaged: files it may not write, modules and libraries
 * missing from the image, a binary for another CPU, migrations failing at startup, a process that ignores SIGTERM.
 * Each `source` is a public report quoting such a line.
 */
import { DOCS } from "../docs.js";
import { type LogSignature, REFINABLE_CATEGORIES } from "./types.js";

const ALL = REFINABLE_CATEGORIES;
const MISSING_FROM_IMAGE = [
  "Check that the build installs it into the image that runs (a multi-stage build copies only what the last stage gets).",
  "Rebuild without cache and compare with the last image that worked: a changed lock file or base image is the usual cause.",
];

export const RUNTIME_SIGNATURES: readonly LogSignature[] = [
  {
    id: "read-only-root-filesystem",
    refines: ALL,
    subCause: "read-only-root-filesystem",
    hints: ["read-only file system", "erofs"],
    pattern: /(?:EROFS|Read-only file system)[^\n]{0,20}?(?:[:,]\s?['"]?(?<path>\/[^\s'"\n]{0,200}))?/i,
    specificity: 3,
    defaults: { path: "a path in the image" },
    title: "{who} exited: it cannot write to {path} (read-only root file system)",
    summary:
      "The task definition sets `readonlyRootFilesystem`, and the application writes to {path}, which is on the read-only root file system.",
    remediation: [
      "Mount a writable volume at the directory the application writes to (an empty `volumes` entry plus a `mountPoints` entry; on Fargate a bind mount to ephemeral storage).",
      "Or point the application's temp/cache directory at a mounted path (TMPDIR, cache settings).",
      "Turn `readonlyRootFilesystem` off only if the security policy allows it.",
    ],
    docs: [DOCS.bindMounts, DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/openobserve/openobserve-helm-chart/issues/54",
  },
  {
    id: "permission-denied",
    refines: ALL,
    subCause: "permission-denied",
    hints: ["permission denied", "eacces"],
    pattern:
      /(?:EACCES: permission denied, \w{1,20} '(?<path>[^'\n]{1,200})'|PermissionError: \[Errno 13\] Permission denied: '(?<path2>[^'\n]{1,200})'|(?:^|[\s'"(])(?<path3>\/[^\s:'"\n]{1,200}): Permission denied|AccessDeniedException: (?<path4>\/[^\s\n]{1,200})|Permission denied)/i,
    specificity: 3,
    defaults: { path: "a file or directory" },
    title: "{who} exited: permission denied on {path}",
    summary:
      "The application's user may not read or write {path}: the image's file ownership does not match the user the container runs as.",
    remediation: [
      "Make the user the container runs as (the task definition's `user`, else the image's USER) own {path}: `COPY --chown` or `chown` in the Dockerfile.",
      "If {path} is on a mounted volume (EFS, bind mount), check the volume's owner and mode, or the EFS access point's POSIX user.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.bindMounts],
    confidence: "likely",
    source: "https://github.com/staltz/ssb-room/issues/23",
  },
  {
    id: "node-module-not-found",
    refines: ALL,
    subCause: "module-not-found",
    hints: ["cannot find module", "err_module_not_found", "cannot find package"],
    pattern: /(?:Cannot find (?:module|package) '(?<module>[^'\n]{1,200})')/i,
    specificity: 3,
    title: "{who} exited: module `{module}` is not in the image",
    summary: "Node.js could not load `{module}`: the file or package is not in the container's image.",
    remediation: [
      "If `{module}` is the entry file, check the container's command and the image's WORKDIR against where the build put it (e.g. dist/ vs src/).",
      "If it is a package, check it is in `dependencies` (not `devDependencies`) and installed in the final stage (`npm ci --omit=dev` in the runtime stage).",
      ...MISSING_FROM_IMAGE,
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/docker/getting-started/issues/200",
  },
  {
    id: "python-module-not-found",
    refines: ALL,
    subCause: "module-not-found",
    hints: ["no module named", "cannot import name"],
    pattern:
      /(?:ModuleNotFoundError: No module named '(?<module>[^'\n]{1,200})'|ImportError: cannot import name '(?<module2>[^'\n]{1,200})')/,
    specificity: 3,
    title: "{who} exited: Python module `{module}` is not in the image",
    summary:
      "Python could not import `{module}`: the package is not installed in the image, or not on its path.",
    remediation: [
      "Add the package providing `{module}` to requirements (or pyproject) and rebuild; check that the runtime stage installs them.",
      "Check PYTHONPATH and the working directory if `{module}` is the application's own package.",
      ...MISSING_FROM_IMAGE,
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/diogomatoschaves/MyCryptoBot/issues/180",
  },
  {
    id: "java-class-not-found",
    refines: ALL,
    subCause: "class-not-found",
    hints: ["classnotfoundexception", "noclassdeffounderror", "could not find or load main class"],
    pattern:
      /(?:Could not find or load main class (?<class>[\w.$/-]{1,200})|ClassNotFoundException: (?<class2>[\w.$/-]{1,200})|NoClassDefFoundError: (?<class3>[\w.$/-]{1,200}))/,
    specificity: 3,
    title: "{who} exited: Java class `{class}` was not found",
    summary:
      "The JVM could not load `{class}`: the jar that holds it is not on the classpath the container starts with.",
    remediation: [
      "Check the container's command: the jar path and main class must match what the build produced (a fat jar, or `-cp` with every dependency).",
      "If a dependency's class is missing, check that the build packages runtime dependencies into the image.",
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/artipie/artipie/issues/56",
  },
  {
    id: "shared-library-not-found",
    refines: ALL,
    subCause: "shared-library-not-found",
    hints: ["shared librar", "shared object"],
    pattern:
      /(?:error while loading shared libraries: (?<library>[\w.+-]{1,200})|Error loading shared library (?<library2>[\w.+-]{1,200}))/i,
    specificity: 3,
    title: "{who} exited: shared library `{library}` is missing from the image",
    summary:
      "The program needs the native library `{library}` and the image does not have it (often a binary built on glibc running on Alpine/musl, or a slim base image).",
    remediation: [
      "Install the package providing `{library}` in the runtime image, or build the binary on the same base image it runs on.",
      "Binaries built against glibc do not run on Alpine (musl): use a Debian/Ubuntu-based image or build statically.",
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/lkwg82/h2o.docker/issues/1",
  },
  {
    id: "exec-format-error",
    refines: ALL,
    subCause: "cpu-architecture-mismatch",
    hints: ["exec format error"],
    pattern: /exec format error/i,
    specificity: 3,
    title: "{who} exited: the image was built for another CPU architecture",
    summary:
      "`exec format error`: the container's binary was built for a different CPU architecture (arm64 vs x86_64) than the one the task runs on.",
    remediation: [
      "Build the image for the task's architecture (`docker buildx build --platform linux/amd64` or `linux/arm64`), or publish a multi-arch image.",
      "Or set the task definition's `runtimePlatform.cpuArchitecture` (Fargate) / instance type (EC2) to the image's architecture.",
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/monitoror/monitoror/issues/403",
  },
  {
    // Rails prints "rake aborted!", then "An error has occurred, [this and] all later migrations
    // canceled:" above the migration's own error; the task list names db:migrate. Listed before
    // migration-failed, which matches that line too: on the same line the first signature wins.
    id: "rake-migration-aborted",
    refines: ALL,
    subCause: "migration-failed",
    hints: ["rake aborted", "migrations canceled"],
    pattern:
      /^(?:rake aborted!|(?:StandardError: )?An error has occurred, (?:this and )?all later migrations canceled)/,
    context: /db:migrate|Migrating to|ActiveRecord::Migration/,
    specificity: 3,
    title: "{who} exited: database migrations failed at startup (rake db:migrate)",
    summary:
      "The container runs `rake db:migrate` before the application, the migration aborted, and the process exited.",
    remediation: [
      "Read the migration's error in the log lines below (the line after `rake aborted!`), fix the migration and deploy again.",
      "Run migrations once per deployment as a separate one-off task rather than in every task's startup, so scaled-out tasks do not race.",
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/montera34/pageonex/issues/209",
  },
  {
    id: "migration-failed",
    refines: ALL,
    subCause: "migration-failed",
    hints: ["migrat", "flyway", "liquibase", "alembic"],
    pattern:
      /(?:(?<tool>rake|flyway|liquibase|alembic|prisma|knex|typeorm|sequelize|django|ecto)\b[^\n]{0,120}?\b(?:fail|error|abort|exception)|\bmigrat(?:e|ion|ions)\b[^\n]{0,120}?\b(?:fail|error|abort|pending)|\b(?:fail|error|abort)\w{0,6}\b[^\n]{0,120}?\bmigrat(?:e|ion|ions)\b|pending migrations?)/i,
    specificity: 3,
    defaults: { tool: "the migration tool" },
    title: "{who} exited: database migrations failed at startup",
    summary:
      "The container runs database migrations before the application, and they failed (or are pending), so the process exited.",
    remediation: [
      "Read the migration's own error in the log lines below: a failed migration usually leaves the schema history marked failed and needs fixing by hand before the next deploy.",
      "Run migrations once per deployment as a separate one-off task rather than in every task's startup, so scaled-out tasks do not race.",
      "Check that the database user has the DDL permissions the migration needs.",
    ],
    docs: [DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/zendesk/samson/issues/3054",
  },
  {
    id: "sigterm-not-handled",
    refines: ["app-exit"],
    subCause: "sigterm-not-handled",
    hints: ["sigterm", "signal 15", "terminated", "signal: terminated"],
    pattern: /(?:\bSIGTERM\b|\bsignal 15\b|\bterminated\b)/i,
    exitCodes: [143],
    specificity: 2,
    title: "{who} was terminated by SIGTERM (exit 143) instead of shutting down cleanly",
    summary:
      "ECS sent SIGTERM to stop the container; the process did not handle it and died from the signal (exit 143), so in-flight work was cut off. If this stop was not expected, something else in the event asked ECS to stop the task.",
    remediation: [
      "Handle SIGTERM in the application: stop accepting work, finish or hand back in-flight requests, close connections, exit 0.",
      "Make the application PID 1 or forward signals to it: use the exec form of ENTRYPOINT/CMD (not `sh -c`), or set `initProcessEnabled` in linuxParameters.",
      "If shutdown needs longer than 30 s, raise the container's `stopTimeout` (and ECS_CONTAINER_STOP_TIMEOUT on EC2).",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.agentConfig],
    confidence: "likely",
    source: "https://github.com/vinicioslc/tinfoil-hat/issues/19",
  },
  {
    // The process saw SIGTERM but was still running when the stop timeout ran out, so ECS sent SIGKILL (137).
    id: "sigterm-shutdown-too-slow",
    refines: ["app-exit"],
    subCause: "shutdown-exceeded-stop-timeout",
    hints: ["sigterm", "signal 15", "shutting down", "graceful"],
    pattern: /(?:\bSIGTERM\b|\bsignal 15\b|shutting down|graceful(?:ly)? shut)/i,
    exitCodes: [137],
    specificity: 2,
    title: "{who} was killed (exit 137) after it failed to stop within the stop timeout",
    summary:
      "The container was asked to stop (SIGTERM) and was still running when the stop timeout ran out, so ECS killed it with SIGKILL (exit 137). Either shutdown takes longer than the timeout or the signal never reached the application (a shell entrypoint does not forward it).",
    remediation: [
      "Make sure SIGTERM reaches the application: exec form ENTRYPOINT/CMD (or `exec` in the entry script), or `initProcessEnabled` in linuxParameters.",
      "If shutdown legitimately takes longer, raise the container's `stopTimeout` (up to 120 s on Fargate; ECS_CONTAINER_STOP_TIMEOUT on EC2).",
      "Shorten shutdown: stop taking new work first, and bound how long in-flight work may run.",
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.agentConfig],
    confidence: "likely",
    source: "https://github.com/bitwarden/server/issues/2614",
  },
];
