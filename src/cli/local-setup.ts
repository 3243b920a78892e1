/** `ecs-sentinel local-setup`: the stack's table and topic on AWS_ENDPOINT_URL (an emulator), printed as JSON. */
import { parseArgs } from "node:util";
import { localSetup } from "../local-setup.js";
import type { CliIo } from "./io.js";

export const LOCAL_SETUP_HELP = `Usage: ecs-sentinel local-setup [--stage STAGE]

Creates the state table and the notification topic of the stack on whatever AWS_ENDPOINT_URL points to (the
emulator: npm run emulator), from the same definitions serverless.yml deploys (infra/state.yml), and prints
{"stateTable": "...", "topicArn": "..."}. Running it twice is harmless. It refuses to run without
AWS_ENDPOINT_URL, so it never creates anything in a real account.

Options:
  --stage STAGE  names as for "serverless deploy --stage STAGE" (default: dev)
  -h, --help     show this help

Then: export STATE_TABLE=<stateTable> NOTIFY_TOPIC_ARN=<topicArn> and run "ecs-sentinel replay FILE...".`;

export async function runLocalSetup(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${LOCAL_SETUP_HELP}\n`);
    return 0;
  }
  const result = await localSetup({ stage: values.stage });
  io.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}
