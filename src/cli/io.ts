/** What a CLI command needs from the outside world, injectable so commands are tested in-process. */
import { readFile } from "node:fs/promises";

export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: { isTTY?: boolean } & AsyncIterable<Buffer | string>;
  readFile(path: string): Promise<string>;
  env: Record<string, string | undefined>;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  readFile: (path) => readFile(path, "utf8"),
  env: process.env,
};

export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
  return text;
}

/** Thrown for wrong command-line usage: the message is printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
