/** ANSI colours, only when writing to a terminal and NO_COLOR is not set. */
export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  green(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export const colorPalette: Palette = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  blue: wrap(34, 39),
  green: wrap(32, 39),
};

const identity = (s: string) => s;
export const plainPalette: Palette = {
  bold: identity,
  dim: identity,
  red: identity,
  yellow: identity,
  blue: identity,
  green: identity,
};

export function wantsColor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== "dumb";
}

export function paletteFor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
) {
  return wantsColor(stream, env) ? colorPalette : plainPalette;
}
