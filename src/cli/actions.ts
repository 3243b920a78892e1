/**
 * `ecs-sentinel actions serve [--port N] [--host H]`: Slack's interactivity endpoint at `POST /slack/actions`,
 * with the code of the `slackActions` Lambda (verify → parse → decide → answer, then the ephemeral reply and
 * the execution in-process). For trying buttons through a tunnel, and for tests. Stops on SIGINT/SIGTERM.
 */

import { loadConfig } from "../app/config.js";
import { configuredActionService } from "../app/slack-action-service.js";
import { localSlackActions, type SlackActionServiceFactory } from "../app/slack-actions.js";
import { type Log, stderrLog } from "../shared/log.js";
import { SLACK_ACTIONS_PATH } from "../shared/slack-actions/endpoint.js";
import { startActionsServer } from "./actions-server.js";
import { parseCommandArgs } from "./args.js";
import { type CliIo, UsageError } from "./io.js";

export const ACTIONS_HELP = `Usage: ecs-sentinel actions serve [--port N] [--host H]

Serves Slack's interactivity endpoint at POST ${SLACK_ACTIONS_PATH} with the code of the slackActions Lambda:
every request's X-Slack-Signature and timestamp (5 minutes) are verified with the signing secret before
anything else; a click on a button of ecs-sentinel is authorized and claimed, answered at once, and executed
here after the answer. Other paths answer 404. Point the Slack app's Interactivity Request URL at it through a
tunnel (https://<tunnel>${SLACK_ACTIONS_PATH}). Stops on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port N     port to listen on (default 3000; 0 picks a free one)
  --host H     address to listen on (default 127.0.0.1; the requests are verified on any address)
  -h, --help   show this help

Environment: SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_FROM (required), SLACK_BOT_TOKEN(_FROM),
SLACK_CHANNEL, SLACK_APPROVERS, STATE_TABLE, AWS_REGION, AWS_ENDPOINT_URL (see README, "Slack buttons").`;

export interface ActionsCliDeps {
  service: SlackActionServiceFactory;
  /** Resolves with the signal's name when the server should stop. */
  waitForStop: () => Promise<string>;
  log: (io: CliIo) => Log;
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

export const defaultActionsCliDeps: ActionsCliDeps = {
  service: configuredActionService,
  waitForStop: stopSignal,
  log: () => stderrLog(true),
};

function portOf(value: string | undefined): number {
  if (value === undefined) return 3000;
  const port = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || port > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function runActions(
  argv: string[],
  io: CliIo,
  deps: ActionsCliDeps = defaultActionsCliDeps,
): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${ACTIONS_HELP}\n`);
    return 0;
  }
  const [sub, ...extra] = positionals;
  if (sub !== "serve") {
    throw new UsageError(
      sub === undefined ? "give a subcommand: actions serve" : `unknown subcommand "${sub}"`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const port = portOf(values.port);
  const host = values.host ?? "127.0.0.1";

  const log = deps.log(io);
  const endpoint = localSlackActions(loadConfig(io.env), deps.service, { log, deadline: () => 30_000 });
  const server = await startActionsServer({ host, port, endpoint, log });
  if (!LOOPBACK.has(host)) {
    io.stderr.write(
      `warning: listening on ${host}, not only this machine (every request is still verified)\n`,
    );
  }
  io.stdout.write(`Serving Slack actions at ${server.origin}${SLACK_ACTIONS_PATH} (Ctrl-C to stop)\n`);
  const signal = await deps.waitForStop();
  await server.close();
  io.stdout.write(`Stopped (${signal}).\n`);
  return 0;
}
