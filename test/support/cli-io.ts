import { Readable } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** An in-memory CliIo: files from a map, stdin from a string, stdout/stderr captured. */
export function captureIo(
  options: { files?: Record<string, string>; stdin?: string; tty?: boolean } = {},
): CapturedIo {
  let out = "";
  let err = "";
  const files = options.files ?? {};
  return {
    stdout: { write: (s: string) => (out += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    stdin: Object.assign(Readable.from([options.stdin ?? ""]), { isTTY: false }),
    readFile: async (path: string) => {
      const text = files[path];
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: "ENOENT",
        });
      return text;
    },
    env: {},
    out: () => out,
    err: () => err,
  };
}
