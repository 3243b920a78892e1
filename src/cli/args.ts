/**
 * Command-line parsing for every subcommand: node:util parseArgs, strict, with its errors turned into one
 * short UsageError line that names the nearest known option ("Did you mean "--dry-run"?").
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io.js";
import { didYouMean, nearest } from "./suggest.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `--name` for every option, and `-x` for those with a short form. */
export function optionNames(options: Options): string[] {
  return Object.entries(options).flatMap(([name, option]) => [
    `--${name}`,
    ...(option.short ? [`-${option.short}`] : []),
  ]);
}

function quoted(message: string): string | undefined {
  return /'([^']*)'/.exec(message)?.[1];
}

export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const names = optionNames(config.options ?? {});
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = quoted(message) ?? "";
      throw new UsageError(`Unknown option '${option}'.${didYouMean(option.split("=")[0] ?? option, names)}`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const word = quoted(message) ?? "";
      throw new UsageError(
        `Unexpected argument '${word}': this command takes options only.${didYouMean(`--${word}`, names)}`,
      );
    }
    if (code?.startsWith("ERR_PARSE_ARGS")) throw new UsageError(message);
    throw error;
  }
}

/**
 * For a FILE argument that does not exist: a hint when it looks like an option without its dashes
 * (`replay dry-run f.json`), so the person is not left looking for a file they never meant.
 */
export function fileHint(path: string, options: Options): string {
  if (path.includes("/") || path.includes("\\") || path.includes(".")) return "";
  const match = nearest(
    `--${path}`,
    optionNames(options).filter((name) => name.startsWith("--")),
  );
  return match ? ` (did you mean the option "${match}"?)` : "";
}
