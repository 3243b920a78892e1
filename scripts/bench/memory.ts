/**
 * Peak memory of each handler, bundled as deployed (esbuild, minified ESM, the jobs file embedded), each in a
 * fresh Node process that imports it and replays representative events against the emulator (moto, seeded with
 * the README's story): 1,000 stopped tasks of one service (taskState), the deployment story of examples/events
 * (deploymentEvents), 30 job runs (runJob), 12 watchdog rounds, hook calls (deploymentHook) and Slack button
 * requests (slackActions, unsigned: rejected after the signature check, so its cold start and request path only).
 * Prints RSS and V8 heap at cold start and at peak: Lambda's "Max Memory Used" is the process's peak RSS. The
 * numbers choose memorySize per function (docs/performance.md, "Memory"). Needs the emulator.
 * MEMORY_BENCH_ONLY=task-state measures one handler; MEMORY_BENCH_DEBUG=1 shows each event and the handlers' logs.
 *
 * Every step (start the emulator, set up and seed it, bundle and replay each handler, stop it) has a deadline and
 * prints its name and duration to stderr; a step past its deadline fails the bench with a BenchStepDeadlineError
 * that names it (and, for a replay, how many events it got through), so the bench cannot hang silently.
 * MEMORY_BENCH_DEADLINE_FACTOR=3 lengthens every deadline threefold (a machine busy with other work).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { EmulatorStartError, startMotoServer } from "../../test/emulator/support/moto-server.js";
import { STACK_ESBUILD_OPTIONS } from "./stack-esbuild.js";

const STORY_ACCOUNT = "111122223333";
/** slackActions' own settings; the others get no Slack, so nothing is posted anywhere. */
const SLACK_ACTIONS_ENV = {
  SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
  SLACK_APPROVERS: "U0123ABCD",
  SLACK_BOT_TOKEN: "xoxb-bench",
  SLACK_CHANNEL: "C0123456789",
  // Lambda sets it; slackActions invokes itself by this name for the work behind a click.
  AWS_LAMBDA_FUNCTION_NAME: "bench",
};
const MiB = 1024 * 1024;
/** Longer than any emulator call takes at rest (milliseconds), shorter than the child's 10 s per invocation. */
const UPSTREAM_TIMEOUT_MS = 8_000;

export interface MemoryRow {
  handler: string;
  events: number;
  /** Events replayed before the end (fewer when the emulator stopped answering). */
  replayed: number;
  errors: number;
  importMs: number;
  /** The first invocation after the import: with `importMs`, what a cold start costs before Lambda's own start-up. */
  firstEventMs: number;
  coldRssMiB: number;
  coldHeapMiB: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  p50Ms: number;
  /** Bytes logged per event at the deployed log level (INFO): what CloudWatch Logs ingests. */
  logBytesPerEvent: number;
  /** The first handler error, when there was one (the emulator lacks some APIs). */
  firstError?: string;
}

/** Runs in the fresh process: import, replay, report one JSON line. */
const CHILD = `
import { readFileSync } from "node:fs";
const [bundle, eventsFile] = process.argv.slice(2);
// What the function would send to CloudWatch Logs: everything it writes to stdout.
let logBytes = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  logBytes += Buffer.byteLength(chunk);
  return true;
};
const started = performance.now();
const { handler } = await import(bundle);
const importMs = performance.now() - started;
const cold = process.memoryUsage();
const events = JSON.parse(readFileSync(eventsFile, "utf8"));
let peakHeap = cold.heapUsed;
let errors = 0;
let firstError;
let timeouts = 0;
const times = [];
for (const [i, event] of events.entries()) {
  const context = {
    awsRequestId: "bench-" + i, functionName: "bench", functionVersion: "$LATEST", memoryLimitInMB: "1024",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:${STORY_ACCOUNT}:function:bench", logGroupName: "/aws/lambda/bench",
    logStreamName: "bench", callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 30000,
  };
  const t = performance.now();
  // The parent reads this to say how far a replay got when it misses its deadline.
  process.stderr.write("PROGRESS " + i + "\\n");
  let timer;
  try {
    // An invocation the emulator leaves hanging ends like Lambda's timeout would, and the replay goes on.
    await Promise.race([
      handler(event, context),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("timed out after 10 s")), 10000); }),
    ]);
  } catch (error) {
    errors++;
    if (String(error).includes("timed out after")) timeouts++;
    firstError ??= String(error).slice(0, 160);
  } finally {
    clearTimeout(timer);
  }
  times.push(performance.now() - t);
  // The emulator has stopped answering: what was replayed so far is the measurement.
  if (timeouts >= 3) break;
  const heap = process.memoryUsage().heapUsed;
  if (heap > peakHeap) peakHeap = heap;
}
const firstEventMs = times[0] ?? 0;
times.sort((a, b) => a - b);
// Exit once the line is written: an invocation the replay gave up on (timed out) still holds its sockets and
// timers, which Lambda would freeze with the container but which keep a plain Node process alive indefinitely.
write("BENCH " + JSON.stringify({
  importMs, firstEventMs, coldRss: cold.rss, coldHeap: cold.heapUsed, peakRss: process.resourceUsage().maxRSS * 1024,
  peakHeap, errors, firstError, replayed: times.length, p50Ms: times[Math.floor(times.length / 2)] ?? 0,
  logBytesPerEvent: logBytes / Math.max(1, times.length),
}) + "\\n", () => process.exit(0));
`;

type Event = Record<string, unknown> & { id?: string; detail?: Record<string, unknown> };

function storyEvents(root: string): Event[] {
  const dir = join(root, "examples/events");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Event);
}

/** 1,000 stops of `api` (the story's crash), each a task of its own. */
function floodOfStops(story: Event[], count = 1000): Event[] {
  const crash = story.find((e) => (e.detail?.taskArn as string | undefined)?.endsWith("7b217e8d88"));
  if (!crash?.detail) throw new Error("examples/events lost the api crash");
  return Array.from({ length: count }, (_, i) => {
    const taskArn = `arn:aws:ecs:us-east-1:${STORY_ACCOUNT}:task/prod/${i.toString(16).padStart(32, "0")}`;
    return { ...crash, id: `flood-${i}`, resources: [taskArn], detail: { ...crash.detail, taskArn } };
  });
}

/** The deployment story (in progress, failed, rollback) 25 times over, each copy with its own event ids. */
function deploymentStory(story: Event[], rounds = 25): Event[] {
  const kinds = new Set(["ECS Deployment State Change", "ECS Service Action"]);
  const events = story.filter((e) => kinds.has(String(e["detail-type"])));
  return Array.from({ length: rounds }, (_, round) =>
    events.map((e) => ({ ...e, id: `${e.id ?? "event"}-${round}` })),
  ).flat();
}

const scheduled = (i: number): Event => ({
  version: "0",
  id: `watchdog-${i}`,
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: STORY_ACCOUNT,
  time: new Date().toISOString(),
  region: "us-east-1",
  resources: [`arn:aws:events:us-east-1:${STORY_ACCOUNT}:rule/watchdog`],
  detail: {},
});

const hookCall = (i: number): Event => ({
  executionDetails: {
    serviceArn: `arn:aws:ecs:us-east-1:${STORY_ACCOUNT}:service/prod/api`,
    targetServiceRevisionArn: `arn:aws:ecs:us-east-1:${STORY_ACCOUNT}:service-revision/prod/api/${1000 + i}`,
  },
  lifecycleStage: "POST_PRODUCTION_TRAFFIC_SHIFT",
  hookDetails: {},
});

const buttonRequest = (i: number): Event => ({
  version: "2.0",
  rawPath: "/slack/actions",
  headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": "1" },
  requestContext: { http: { method: "POST", path: "/slack/actions" }, requestId: `button-${i}` },
  body: "payload=%7B%7D",
  isBase64Encoded: false,
});

/** What each function is given to replay. */
function workloads(root: string, stops: number): Record<string, Event[]> {
  const story = storyEvents(root);
  return {
    "task-state": floodOfStops(story, stops),
    "deployment-events": deploymentStory(story),
    "run-job": Array.from({ length: 30 }, () => ({ job: "nightly-migration" })),
    watchdog: Array.from({ length: 12 }, (_, i) => scheduled(i)),
    "deployment-hook": Array.from({ length: 20 }, (_, i) => hookCall(i)),
    "slack-actions": Array.from({ length: 20 }, (_, i) => buttonRequest(i)),
  };
}

/**
 * Stands between the handlers and moto: an API moto does not emulate (ECS service deployments and revisions) is
 * answered as AWS answers an unknown operation (a JSON 400), not with moto's HTML 404 page, which the SDK cannot
 * read and the handlers take for a transient failure, retried until the emulator stops answering.
 */
async function emulatorProxy(target: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (chunk: Buffer) => body.push(chunk));
    req.on("end", () => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => {
            const status = answer.statusCode ?? 502;
            if (status >= 400 && String(answer.headers["content-type"]).includes("text/html")) {
              const json = JSON.stringify({ __type: "UnknownOperationException", message: "not emulated" });
              res.writeHead(400, {
                "content-type": "application/x-amz-json-1.1",
                "x-amzn-errortype": "UnknownOperationException",
                "content-length": Buffer.byteLength(json),
              });
              res.end(json);
              return;
            }
            res.writeHead(status, answer.headers);
            res.end(Buffer.concat(chunks));
          });
        },
      );
      // A request moto never answers fails (502) instead of holding the handler's invocation open.
      forward.setTimeout(UPSTREAM_TIMEOUT_MS, () =>
        forward.destroy(new Error("the emulator did not answer")),
      );
      forward.on("error", () => {
        if (res.headersSent) return res.destroy();
        res.writeHead(502);
        res.end();
      });
      forward.end(Buffer.concat(body));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function bundle(root: string, name: string, outdir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const schedules = require(join(root, "infra/schedules.cjs")) as {
    loadJobsFile: (path: string) => unknown;
    embeddedJobsDefine: (loaded: unknown) => Record<string, string>;
  };
  await build({
    ...STACK_ESBUILD_OPTIONS,
    entryPoints: [join(root, "src/handlers", `${name}.ts`)],
    outdir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    define: schedules.embeddedJobsDefine(schedules.loadJobsFile(join(root, "examples/jobs.yml"))),
    logLevel: "error",
  });
  return join(outdir, `${name}.mjs`);
}

/** A bench step that did not finish in time: the bench stops there and says which step it was. */
export class BenchStepDeadlineError extends Error {
  override readonly name = "BenchStepDeadlineError";
  constructor(
    readonly step: string,
    readonly deadlineMs: number,
    detail = "",
  ) {
    super(
      `bench:memory: step "${step}" did not finish within ${Math.round(deadlineMs / 1000)} s${detail ? ` (${detail})` : ""}; ` +
        "MEMORY_BENCH_DEBUG=1 shows what it was doing, MEMORY_BENCH_DEADLINE_FACTOR lengthens the deadlines",
    );
  }
}

/** The replay's child failed (exited without its measurement). */
export class BenchReplayError extends Error {
  override readonly name = "BenchReplayError";
}

const SECOND = 1000;
/**
 * Deadlines at several times what each step takes at rest on a 2-core machine (the whole bench: about 40 s), so a
 * busy machine passes and a stuck step fails in minutes, not never.
 */
const DEADLINES_MS = {
  startEmulator: 60 * SECOND,
  setUpEmulator: 60 * SECOND,
  bundle: 60 * SECOND,
  /** Plus per event: taskState's 1,000 stops take 20-40 s at rest (p50 17-36 ms). */
  replay: 30 * SECOND,
  replayPerEvent: 200,
  stopEmulator: 20 * SECOND,
} as const;

const HEARTBEAT_MS = 15 * SECOND;

function deadlineFactor(): number {
  const factor = Number(process.env.MEMORY_BENCH_DEADLINE_FACTOR ?? 1);
  return Number.isFinite(factor) && factor > 0 ? factor : 1;
}

/**
 * Runs one step under a deadline, announcing it and its duration on stderr. Past the deadline the step's signal is
 * aborted (so it can kill what it started) and the step fails with BenchStepDeadlineError, whatever the step's own
 * promise does afterwards.
 */
export async function runStep<T>(
  step: string,
  deadlineMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  describeProgress: () => string = () => "",
): Promise<T> {
  const started = performance.now();
  process.stderr.write(`bench:memory: ${step} ...\n`);
  const controller = new AbortController();
  // A long step says it is still going (and how far), so a slow run is never mistaken for a hung one.
  const heartbeat = setInterval(() => {
    const progress = describeProgress();
    process.stderr.write(
      `bench:memory: ${step}: still running after ${Math.round((performance.now() - started) / 1000)} s${progress ? `, ${progress}` : ""}\n`,
    );
  }, HEARTBEAT_MS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new BenchStepDeadlineError(step, deadlineMs, describeProgress()));
    }, deadlineMs);
  });
  try {
    const result = await Promise.race([work(controller.signal), deadline]);
    process.stderr.write(`bench:memory: ${step}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return result;
  } finally {
    clearTimeout(timer);
    clearInterval(heartbeat);
  }
}

const STDERR_TAIL_LINES = 10;

/** Runs the child to the end (or until `signal` kills it); its BENCH line parsed, and how far it got meanwhile. */
function runChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  progress: { replayed: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const onAbort = () => child.kill("SIGKILL");
    signal.addEventListener("abort", onAbort, { once: true });
    let stdout = "";
    let partial = "";
    const tail: string[] = [];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (process.env.MEMORY_BENCH_DEBUG) process.stderr.write(chunk);
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("PROGRESS ")) progress.replayed = Number(line.slice("PROGRESS ".length)) + 1;
        else if (line.trim()) {
          tail.push(line.slice(0, 300));
          if (tail.length > STDERR_TAIL_LINES) tail.shift();
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", onAbort);
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
      if (line) resolve(line.slice("BENCH ".length));
      else
        reject(
          new BenchReplayError(
            `the replay exited (${code ?? killedBy}) without its measurement; last stderr:\n  ${tail.join("\n  ")}`,
          ),
        );
    });
  });
}

async function measure(
  name: string,
  bundleFile: string,
  eventsFile: string,
  events: number,
  childFile: string,
  env: NodeJS.ProcessEnv,
): Promise<Omit<MemoryRow, "handler" | "events">> {
  const progress = { replayed: 0 };
  const deadlineMs = (DEADLINES_MS.replay + events * DEADLINES_MS.replayPerEvent) * deadlineFactor();
  // Asynchronous: the proxy in this process must keep answering while the child runs.
  const json = await runStep(
    `replay ${name} (${events} events)`,
    deadlineMs,
    (signal) => runChild([childFile, bundleFile, eventsFile], env, signal, progress),
    () => `${progress.replayed} of ${events} events replayed`,
  );
  const r = JSON.parse(json) as Record<string, number> & { firstError?: string };
  const mib = (bytes: number | undefined) => Number(((bytes ?? 0) / MiB).toFixed(1));
  return {
    replayed: r.replayed ?? 0,
    errors: r.errors ?? 0,
    importMs: Number((r.importMs ?? 0).toFixed(1)),
    firstEventMs: Number((r.firstEventMs ?? 0).toFixed(1)),
    coldRssMiB: mib(r.coldRss),
    coldHeapMiB: mib(r.coldHeap),
    peakRssMiB: mib(r.peakRss),
    peakHeapMiB: mib(r.peakHeap),
    p50Ms: Number((r.p50Ms ?? 0).toFixed(1)),
    logBytesPerEvent: Math.round(r.logBytesPerEvent ?? 0),
    ...(r.firstError ? { firstError: r.firstError } : {}),
  };
}

export async function benchMemory(root: string, stops = 1000): Promise<MemoryRow[]> {
  const factor = deadlineFactor();
  const moto = await runStep("start the emulator", DEADLINES_MS.startEmulator * factor, () =>
    startMotoServer({ projectRoot: root, env: { MOTO_ACCOUNT_ID: STORY_ACCOUNT } }),
  );
  const proxy = await emulatorProxy(moto.endpoint);
  const work = mkdtempSync(join(tmpdir(), "ecs-sentinel-memory-"));
  let failure: unknown;
  try {
    const base = {
      ...process.env,
      AWS_ENDPOINT_URL: proxy.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    Object.assign(process.env, base);
    const stack = await runStep(
      "set up the emulator (state table, topic, the README's story)",
      DEADLINES_MS.setUpEmulator * factor,
      async () => {
        // Imported once the environment points at the emulator: the clients are created on first use.
        const { localSetup } = await import("../../src/cli/local-stack.js");
        const { seedEmulator } = await import("../../src/cli/local-seed.js");
        const created = await localSetup({ stage: "bench", projectRoot: root });
        await seedEmulator();
        return created;
      },
    );
    const env = {
      ...base,
      STATE_TABLE: stack.stateTable,
      NOTIFY_TOPIC_ARN: stack.topicArn,
      AUTO_ROLLBACK_SERVICES: "prod/api",
      JOBS_FILE: "jobs.yml",
      // As deployed: Powertools' default level.
      POWERTOOLS_LOG_LEVEL: "INFO",
    };
    const childFile = join(work, "child.mjs");
    writeFileSync(childFile, CHILD);
    const rows: MemoryRow[] = [];
    const only = process.env.MEMORY_BENCH_ONLY;
    for (const [name, events] of Object.entries(workloads(root, stops))) {
      if (only && name !== only) continue;
      const outdir = join(work, name);
      mkdirSync(outdir);
      const bundleFile = await runStep(`bundle ${name}`, DEADLINES_MS.bundle * factor, () =>
        bundle(root, name, outdir),
      );
      const eventsFile = join(work, `${name}.events.json`);
      writeFileSync(eventsFile, JSON.stringify(events));
      rows.push({
        handler: name,
        events: events.length,
        ...(await measure(
          name,
          bundleFile,
          eventsFile,
          events.length,
          childFile,
          name === "slack-actions" ? { ...env, ...SLACK_ACTIONS_ENV } : env,
        )),
      });
    }
    return rows;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await proxy.close();
    rmSync(work, { recursive: true, force: true });
    // Not scaled: stop() is bounded by itself (SIGTERM, SIGKILL 5 s later); the deadline is a last resort.
    await runStep("stop the emulator", DEADLINES_MS.stopEmulator, () => moto.stop()).catch((stopError) => {
      // The step that failed first is what the run reports; a teardown failure after it is only mentioned.
      if (failure === undefined) throw stopError;
      process.stderr.write(`bench:memory: while stopping after a failure: ${(stopError as Error).message}\n`);
    });
  }
}

/**
 * Runs the bench and prints its table: what `npm run bench:memory` calls. An emulator that cannot start is a
 * skip (the machine lacks it); any other failure, a missed deadline included, is thrown.
 */
export async function reportMemory(root: string): Promise<MemoryRow[] | { skipped: string }> {
  let rows: MemoryRow[];
  try {
    rows = await benchMemory(root);
  } catch (error) {
    if (!(error instanceof EmulatorStartError)) throw error;
    return { skipped: `emulator unavailable: ${error.message.split("\n")[0]}` };
  }
  console.log(
    "\nMemory: each handler bundled as deployed, in a fresh Node process replaying its events (emulator):",
  );
  console.table(rows.map(({ firstError: _firstError, ...row }) => row));
  for (const row of rows) {
    if (row.replayed < row.events)
      console.log(
        `  ${row.handler}: only ${row.replayed} of ${row.events} events replayed (the emulator stopped answering)`,
      );
    if (row.firstError) console.log(`  ${row.handler}: first error: ${row.firstError}`);
  }
  return rows;
}
