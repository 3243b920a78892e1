/**
 * Tiny AttributeValue codecs for the few shapes the state table stores (strings, numbers, string sets).
 * The raw client is used instead of lib-dynamodb because conditional-check failures return the old item
 * marshalled, and we read it back with the same helpers.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type Item = Record<string, AttributeValue>;

export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });
export const strSet = (values: string[]): AttributeValue => ({ SS: values });
export const strList = (values: readonly string[]): AttributeValue => ({ L: values.map(str) });

export function readStr(item: Item | undefined, name: string): string | undefined {
  const value = item?.[name];
  return value && "S" in value ? value.S : undefined;
}

export function readNum(item: Item | undefined, name: string): number | undefined {
  const value = item?.[name];
  if (!value || !("N" in value) || value.N === undefined) return undefined;
  const parsed = Number(value.N);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function readStrSet(item: Item | undefined, name: string): string[] {
  const value = item?.[name];
  return value && "SS" in value && value.SS ? [...value.SS] : [];
}

export function readStrList(item: Item | undefined, name: string): string[] {
  const value = item?.[name];
  if (!value || !("L" in value) || !value.L) return [];
  return value.L.flatMap((entry) => ("S" in entry && entry.S !== undefined ? [entry.S] : []));
}

/** Drops undefined values so optional fields are simply absent from the stored item. */
export function compact(entries: Record<string, AttributeValue | undefined>): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) item[name] = value;
  return item;
}
