/** Command dispatch for the ecs-sentinel CLI (src/cli.ts runs it). */
import { DIAGNOSE_HELP, runDiagnose } from "./diagnose.js";
import { HISTORY_HELP, runHistory } from "./history.js";
import { type CliIo, processIo, UsageError } from "./io.js";
import { JOBS_HELP, runJobs } from "./jobs.js";
import { LOCAL_SETUP_HELP, runLocalSetup } from "./local-setup.js";
import { REPLAY_HELP, runReplay } from "./replay.js";
import { runWatchdogCli, WATCHDOG_HELP } from "./watchdog.js";

const HELP = `Usage: ecs-sentinel <command> [options]

Commands:
  diagnose [--json] [FILE|-]...          why did these ECS tasks stop, and what to do
  diagnose --cluster C --task T          the same for a live task (AWS API)
  replay [--dry-run] FILE...             feed events through the Lambda code path, in order
  history [--cluster C] [--since 24h]    recent stops by category (state table)
  jobs list|validate|run NAME [--wait]   scheduled one-off tasks of a jobs file (--file, default jobs.yml)
  local-setup                            create the state table and topic on AWS_ENDPOINT_URL (emulator)
  help [COMMAND]                         help for a command

Run "ecs-sentinel <command> --help" for a command's options.
Environment: AWS_REGION, AWS_ENDPOINT_URL(_<SERVICE>), SLACK_WEBHOOK_URL or SLACK_WEBHOOK_SECRET,
NOTIFY_TOPIC_ARN, STATE_TABLE, DRY_RUN (see README).`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { run: Command; help: string }> = {
  diagnose: { run: runDiagnose, help: DIAGNOSE_HELP },
  replay: { run: runReplay, help: REPLAY_HELP },
  "local-setup": { run: runLocalSetup, help: LOCAL_SETUP_HELP },
  history: { run: runHistory, help: HISTORY_HELP },
  jobs: { run: (argv, io) => runJobs(argv, io), help: JOBS_HELP },
  watchdog: { run: runWatchdogCli, help: WATCHDOG_HELP },
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help") {
    io.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  if (name === "help") {
    const topic = rest[0] ? commands[rest[0]] : undefined;
    io.stdout.write(`${topic ? topic.help : HELP}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`ecs-sentinel: unknown command "${name}". Run "ecs-sentinel --help".\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ecs-sentinel ${name}: ${message}\n`);
    if (usage) io.stderr.write(`Run "ecs-sentinel ${name} --help".\n`);
    return usage ? 2 : 1;
  }
}
