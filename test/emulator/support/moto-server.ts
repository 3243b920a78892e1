/**
 * Starts and stops moto's server for the emulator test project, through scripts/emulator.sh so that tests and
 * developers run the very same install.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";

const HOST = "127.0.0.1";
const STDERR_LINES_KEPT = 20;
const FIX_HINT =
  "Install or repair the emulator with `bash scripts/emulator.sh install`, or try it by hand with `npm run emulator`.";

export class EmulatorStartError extends Error {
  constructor(reason: string, stderrTail: readonly string[] = []) {
    const tail = stderrTail.length > 0 ? `\nLast lines it printed:\n  ${stderrTail.join("\n  ")}` : "";
    super(`The AWS emulator (moto) could not start: ${reason}.${tail}\n${FIX_HINT}`);
    this.name = "EmulatorStartError";
  }
}

export interface MotoServerOptions {
  /** The project root, where scripts/emulator.sh lives. */
  projectRoot: string;
  /** How long to wait for the server to answer before giving up. */
  readyTimeoutMs?: number;
  /** Extra environment of the server, e.g. MOTO_ACCOUNT_ID (the account moto answers as). */
  env?: Record<string, string>;
}

export interface RunningMotoServer {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") {
    throw new EmulatorStartError("the operating system gave no free TCP port");
  }
  return address.port;
}

/** A check imports moto once; an install may download Debian packages. Past these, say so instead of hanging. */
const CHECK_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** Installs moto when it is missing (a first run on a fresh machine), so the suite never silently skips. */
export function ensureEmulatorInstalled(projectRoot: string): void {
  const script = join(projectRoot, "scripts/emulator.sh");
  const check = spawnSync("bash", [script, "check"], { stdio: "ignore", timeout: CHECK_TIMEOUT_MS });
  if (check.status === 0) {
    return;
  }
  const install = spawnSync("bash", [script, "install"], {
    stdio: ["ignore", "inherit", "pipe"],
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (install.error && (install.error as NodeJS.ErrnoException).code === "ETIMEDOUT") {
    throw new EmulatorStartError(
      `\`bash scripts/emulator.sh install\` did not finish within ${INSTALL_TIMEOUT_MS / 60_000} minutes`,
      lastLines(install.stderr?.toString() ?? ""),
    );
  }
  if (install.status !== 0) {
    const stderr = install.stderr?.toString() ?? "";
    throw new EmulatorStartError(
      `\`bash scripts/emulator.sh install\` failed (exit ${install.status ?? install.signal})`,
      lastLines(stderr),
    );
  }
}

export async function startMotoServer(options: MotoServerOptions): Promise<RunningMotoServer> {
  ensureEmulatorInstalled(options.projectRoot);
  // Another process can take the free port between the probe and moto's bind; a new port fixes that.
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    try {
      return await startOnPort(options, port);
    } catch (error) {
      const portTaken = error instanceof EmulatorStartError && /address already in use/i.test(error.message);
      if (!portTaken || attempt === attempts) throw error;
    }
  }
}

async function startOnPort(options: MotoServerOptions, port: number): Promise<RunningMotoServer> {
  const endpoint = `http://${HOST}:${port}`;
  // detached: moto gets its own process group, which stop() kills whole so that nothing is left behind.
  const child = spawn(
    "bash",
    [join(options.projectRoot, "scripts/emulator.sh"), "serve", "--port", String(port)],
    {
      cwd: options.projectRoot,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const stderr = collectLines(child);
  const exited = once(child, "exit").then(([code, signal]) => ({ code, signal }));
  const pid = child.pid;
  if (pid === undefined) {
    const [error] = await once(child, "error");
    throw new EmulatorStartError(`bash could not be started (${String(error)})`);
  }
  // If the test runner exits without running teardown (an uncaught error, Ctrl-C), still take moto with it.
  const killOnExit = () => signalGroup(pid, "SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    await stopProcessGroup(child, pid, exited);
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const ready = await Promise.race([
    waitUntilAnswering(endpoint, readyTimeoutMs).then((answered) => (answered ? "ready" : "timeout")),
    exited.then(() => "exited" as const),
  ]);
  if (ready === "ready") {
    return { endpoint, pid, stop };
  }
  await stop();
  if (ready === "exited") {
    const { code, signal } = await exited;
    throw new EmulatorStartError(`the server exited before answering (exit ${code ?? signal})`, stderr());
  }
  throw new EmulatorStartError(
    `the server did not answer on ${endpoint} within ${readyTimeoutMs} ms`,
    stderr(),
  );
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function stopProcessGroup(
  child: ChildProcess,
  pid: number,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(pid, "SIGTERM");
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000).unref()),
  ]);
  if (!stopped) {
    signalGroup(pid, "SIGKILL");
    await exited;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function collectLines(child: ChildProcess): () => string[] {
  let text = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    // Keep only the tail: moto logs every request, and only the last lines explain a failure.
    text = (text + chunk).slice(-16_384);
  });
  return () => lastLines(text);
}

function lastLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-STDERR_LINES_KEPT);
}
