/** Command dispatch for the ecs-sentinel CLI (src/cli/index.ts runs it). */
import { ACTIONS_HELP, runActions } from "./actions.js";
import { DEPLOYMENTS_HELP, runDeployments } from "./deployments.js";
import { DIAGNOSE_HELP, runDiagnose } from "./diagnose.js";
import { HISTORY_HELP, runHistory } from "./history.js";
import { HOOK_HELP, runHookCli } from "./hook.js";
import { type CliIo, processIo, UsageError } from "./io.js";
import { JOBS_HELP, runJobs } from "./jobs.js";
import { LOCAL_SETUP_HELP, runLocalSetup } from "./local-setup.js";
import { ORG_HELP, runOrg } from "./org.js";
import { REPLAY_HELP, runReplay } from "./replay.js";
import { didYouMean } from "./suggest.js";
import { cliVersion } from "./version.js";
import { runWatchdogCli, WATCHDOG_HELP } from "./watchdog.js";

const HELP = `Usage: ecs-sentinel <command> [options]

Commands:
  diagnose [--json] [FILE|-]...          why did these ECS tasks stop, and what to do
  diagnose --cluster C --task T          the same for a live task (AWS API; --account A for a member's)
  replay [--dry-run] FILE...             feed events through the Lambda code path, in order
  history [--cluster C] [--since 24h]    recent stops by category (state table)
  hook --cluster C --service S [--json]  the verdict the deployment lifecycle hook would give now
  deployments continue|rollback --cluster C --service S
                                         act on a deployment paused by an ECS pause hook
  jobs list|validate|run NAME [--wait]   scheduled one-off tasks of a jobs file (--file, default jobs.yml)
  jobs history NAME                      past runs of a job (state table)
  watchdog --once [--dry-run]            one sweep of the watchdog: overdue runs, missed runs, digests
  org check [--account A] [--json]       an Organization hub: member roles work, events arrive
  actions serve [--port N] [--host H]    Slack's interactivity endpoint (buttons) at POST /slack/actions
  local-setup [--seed]                   create the state table and topic (and, with --seed, the ECS side)
                                         on AWS_ENDPOINT_URL (emulator)
  help [COMMAND]                         help for a command
  version                                the version (also --version, -V)

Run "ecs-sentinel <command> --help" for a command's options.
Environment: AWS_REGION, AWS_ENDPOINT_URL(_<SERVICE>), SLACK_BOT_TOKEN(_FROM) and SLACK_CHANNEL (app mode)
or SLACK_WEBHOOK_URL(_FROM), NOTIFY_TOPIC_ARN, STATE_TABLE, DRY_RUN (see README).`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { run: Command; help: string }> = {
  diagnose: { run: runDiagnose, help: DIAGNOSE_HELP },
  replay: { run: runReplay, help: REPLAY_HELP },
  "local-setup": { run: runLocalSetup, help: LOCAL_SETUP_HELP },
  history: { run: runHistory, help: HISTORY_HELP },
  hook: { run: runHookCli, help: HOOK_HELP },
  deployments: { run: runDeployments, help: DEPLOYMENTS_HELP },
  jobs: { run: (argv, io) => runJobs(argv, io), help: JOBS_HELP },
  watchdog: { run: runWatchdogCli, help: WATCHDOG_HELP },
  actions: { run: (argv, io) => runActions(argv, io), help: ACTIONS_HELP },
  org: { run: (argv, io) => runOrg(argv, io), help: ORG_HELP },
};

/** Own keys only: "constructor" or "toString" is not a command. */
const commandNamed = (name: string) => (Object.hasOwn(commands, name) ? commands[name] : undefined);

const VERSION_WORDS = ["version", "--version", "-V"];
const KNOWN_WORDS = [...Object.keys(commands), "help", ...VERSION_WORDS, "--help", "-h"];

function unknownCommand(name: string, io: CliIo): number {
  const what = name.startsWith("-") ? "option" : "command";
  io.stderr.write(
    `ecs-sentinel: unknown ${what} "${name}".${didYouMean(name, KNOWN_WORDS)} Run "ecs-sentinel --help".\n`,
  );
  return 2;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help") {
    io.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  if (VERSION_WORDS.includes(name)) {
    io.stdout.write(`ecs-sentinel ${cliVersion()}\n`);
    return 0;
  }
  if (name === "help") {
    const [topic] = rest;
    if (topic === undefined) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const command = commandNamed(topic);
    if (!command) return unknownCommand(topic, io);
    io.stdout.write(`${command.help}\n`);
    return 0;
  }
  const command = commandNamed(name);
  if (!command) return unknownCommand(name, io);
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
