/**
 * A packaged function run as Lambda runs it: its zip unpacked into a folder, its handler module (from the
 * template's `Handler`, `.mjs` then `.js` as the Node.js runtime looks) imported once in a child process with only
 * the environment given (a warm container), invoked with an event and a fake `Context` whose
 * `getRemainingTimeInMillis` counts down from the function's timeout.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { readZipEntry, zipEntryNames } from "./unzip.js";

export class HandlerNotFoundError extends Error {
  override readonly name = "HandlerNotFoundError";
}

export class InvocationFailedError extends Error {
  override readonly name = "InvocationFailedError";
}

/** Unpacks `zip` into a new temporary folder; returns its path. */
export function unpack(zip: Buffer): string {
  const root = mkdtempSync(join(tmpdir(), "ecs-sentinel-lambda-"));
  for (const name of zipEntryNames(zip)) {
    if (name.endsWith("/")) continue;
    const target = join(root, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readZipEntry(zip, name));
  }
  return root;
}

/** `src/handlers/deployment-hook.handler` -> the module file and the export name. */
export function resolveHandler(root: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  const base = join(root, handler.slice(0, dot));
  const file = [".mjs", ".js", ".cjs"].map((ext) => base + ext).find((path) => existsSync(path));
  if (!file) throw new HandlerNotFoundError(`no module for handler ${handler} in the artifact`);
  return { file, exportName: handler.slice(dot + 1) };
}

const RUNNER = `
const { pathToFileURL } = await import("node:url");
const mod = await import(pathToFileURL(process.env.LAMBDA_HANDLER_FILE).href);
const handler = mod[process.env.LAMBDA_HANDLER_EXPORT];
process.on("message", async ({ id, event, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    awsRequestId: id,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    process.send({ id, answer: await handler(event, context) });
  } catch (error) {
    process.send({ id, error: String(error && error.stack || error) });
  }
});
process.send({ ready: true });
`;

export interface LambdaContainer {
  invoke(event: unknown): Promise<unknown>;
  /** What the function printed (its logs). */
  output(): string;
  close(): void;
}

export async function startContainer(options: {
  root: string;
  handler: string;
  env: Record<string, string>;
  timeoutMs: number;
}): Promise<LambdaContainer> {
  const { file, exportName } = resolveHandler(options.root, options.handler);
  const runner = join(options.root, "__runner.mjs");
  writeFileSync(runner, RUNNER);
  const child: ChildProcess = fork(runner, [], {
    cwd: options.root,
    env: {
      PATH: process.env.PATH ?? "",
      ...options.env,
      LAMBDA_HANDLER_FILE: file,
      LAMBDA_HANDLER_EXPORT: exportName,
    },
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let printed = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.once("exit", (code) =>
      reject(new InvocationFailedError(`container exited (${code}):\n${printed}`)),
    );
  });
  child.on("message", (message: { ready?: boolean; id?: string; answer?: unknown; error?: string }) => {
    if (message.ready) return ready();
    const waiting = message.id ? pending.get(message.id) : undefined;
    if (!waiting || !message.id) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new InvocationFailedError(message.error));
    else waiting.resolve(message.answer);
  });
  await started;
  let counter = 0;
  return {
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const id = `invocation-${++counter}`;
        pending.set(id, { resolve, reject });
        child.send({ id, event, timeoutMs: options.timeoutMs });
      }),
    output: () => printed,
    close: () => {
      child.kill();
    },
  };
}

/** Removes an unpacked artifact. */
export function removeUnpacked(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
