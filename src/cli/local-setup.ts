/** `ecs-sentinel local-setup`: the stack's table and topic on AWS_ENDPOINT_URL (an emulator), printed as JSON. */
import { parseArgs } from "node:util";
import type { CliIo } from "./io.js";
import { requireLoopbackEndpoint, seedEmulator } from "./local-seed.js";
import { localSetup } from "./local-stack.js";

export const LOCAL_SETUP_HELP = `Usage: ecs-sentinel local-setup [--stage STAGE] [--seed]

Creates the state table and the notification topic of the stack on whatever AWS_ENDPOINT_URL points to (the
emulator: npm run emulator), from the same definitions serverless.yml deploys (infra/state.yml), and prints
{"stateTable": "...", "topicArn": "..."}. Running it twice is harmless. It refuses to run without
AWS_ENDPOINT_URL, so it never creates anything in a real account.

Options:
  --stage STAGE  names as for "serverless deploy --stage STAGE" (default: dev)
  --seed         also create the ECS side of the README's story: clusters prod and production, the task
                 definitions the sample events and examples/jobs.yml name (up to the revisions they name), and
                 the services of examples/events (api tagged ecs-sentinel:auto-rollback=true); only when
                 AWS_ENDPOINT_URL is a loopback address; adds "seeded" to the output
  -h, --help     show this help

Then: export STATE_TABLE=<stateTable> NOTIFY_TOPIC_ARN=<topicArn> and run "ecs-sentinel replay FILE...".`;

export async function runLocalSetup(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: "string" },
      seed: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${LOCAL_SETUP_HELP}\n`);
    return 0;
  }
  // Refused before anything is created: --seed never touches anything but an emulator on this machine.
  if (values.seed) requireLoopbackEndpoint();
  const result = await localSetup({ stage: values.stage });
  const seeded = values.seed ? { seeded: await seedEmulator() } : {};
  io.stdout.write(`${JSON.stringify({ ...result, ...seeded })}\n`);
  return 0;
}
