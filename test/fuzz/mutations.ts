/**
 * Mutated real events: a real event with a few random edits, each at a path that exists in the original:
 * a field deleted, set to a wrong type, its text made strange, huge or hostile; containers duplicated,
 * emptied or multiplied to 200; the detail-type swapped. Each edit is pure data, so fast-check can shrink
 * a failure down to the one edit that matters and print it.
 */
import fc from "fast-check";
import { hostileToken, hugeString, strangeString, wrongValue } from "./arbitraries.js";
import { REAL_EVENTS, type RealEvent } from "./fixtures.js";

type Path = ReadonlyArray<string | number>;

export type Mutation =
  | { kind: "delete"; at: number }
  | { kind: "set"; at: number; value: unknown }
  | { kind: "inject"; at: number; token: string; front: boolean }
  | { kind: "containers"; how: "empty" | "duplicate" | "flood" }
  | { kind: "hostile-everywhere"; token: string }
  | { kind: "detail-type"; value: string };

export interface MutatedEvent {
  file: string;
  mutations: Mutation[];
  event: unknown;
}

const DETAIL_TYPES = ["ECS Task State Change", "ECS Deployment State Change", "ECS Service Action"];
/** Strings left alone by hostile-everywhere, so the event still reaches the code behind the router. */
const ROUTING_KEYS = new Set(["detail-type", "source", "id", "lastStatus"]);

/** Every path to a value inside `value`, the root excluded. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      pathsOf(item, [...prefix, i], out);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      pathsOf(item, [...prefix, key], out);
    }
  }
  return out;
}

const PATHS = new Map<RealEvent, Path[]>(REAL_EVENTS.map((real) => [real, pathsOf(real.event)]));

type Container = Record<string | number, unknown>;

function parentOf(root: unknown, path: Path): { parent: Container; key: string | number } | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Container)[key];
  }
  const key = path.at(-1);
  if (key === undefined || typeof node !== "object" || node === null) return undefined;
  return { parent: node as Container, key };
}

function mapStrings(value: unknown, edit: (text: string) => string, key?: string): unknown {
  if (typeof value === "string") return key !== undefined && ROUTING_KEYS.has(key) ? value : edit(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, edit));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, edit, k)]));
  }
  return value;
}

function editContainers(event: Container, how: "empty" | "duplicate" | "flood"): void {
  const detail = event.detail;
  if (typeof detail !== "object" || detail === null) return;
  const holder = detail as Container;
  const containers = Array.isArray(holder.containers) ? holder.containers : [];
  if (how === "empty") holder.containers = [];
  if (how === "duplicate") holder.containers = [...containers, ...containers.map((c) => structuredClone(c))];
  if (how === "flood") {
    const first = (containers[0] ?? { name: "c" }) as Container;
    holder.containers = Array.from({ length: 200 }, (_, i) => ({
      ...first,
      name: `c${i}-${String(first.name)}`,
    }));
  }
}

function apply(real: RealEvent, mutations: readonly Mutation[]): unknown {
  let event = structuredClone(real.event) as Container;
  const paths = PATHS.get(real) ?? [];
  const target = (at: number) =>
    paths.length > 0 ? parentOf(event, paths[at % paths.length] ?? []) : undefined;
  for (const mutation of mutations) {
    switch (mutation.kind) {
      case "delete": {
        const spot = target(mutation.at);
        if (spot && Array.isArray(spot.parent)) spot.parent.splice(Number(spot.key), 1);
        else if (spot) delete spot.parent[spot.key];
        break;
      }
      case "set": {
        const spot = target(mutation.at);
        // A copy: generated values may be shared (fc.constant), and later edits must not create cycles.
        if (spot) spot.parent[spot.key] = structuredClone(mutation.value);
        break;
      }
      case "inject": {
        const spot = target(mutation.at);
        const current = spot?.parent[spot.key];
        if (spot && typeof current === "string") {
          spot.parent[spot.key] = mutation.front
            ? `${mutation.token}${current}`
            : `${current} ${mutation.token}`;
        }
        break;
      }
      case "containers":
        editContainers(event, mutation.how);
        break;
      case "hostile-everywhere":
        event = mapStrings(event, (text) => `${text} ${mutation.token}`) as Container;
        break;
      case "detail-type":
        event["detail-type"] = mutation.value;
        break;
    }
  }
  return event;
}

function mutationArb(options: { huge: boolean }): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const values = fc.oneof(
    { weight: 4, arbitrary: wrongValue() },
    { weight: 2, arbitrary: strangeString },
    ...(options.huge ? [{ weight: 3, arbitrary: hugeString }] : []),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("delete" as const), at }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("set" as const), at, value: values }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("inject" as const),
        at,
        token: hostileToken,
        front: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("containers" as const),
        how: fc.constantFrom("empty" as const, "duplicate" as const, "flood" as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("hostile-everywhere" as const), token: hostileToken }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("detail-type" as const),
        value: fc.oneof(fc.constantFrom(...DETAIL_TYPES), strangeString),
      }),
    },
  );
}

/** A real event (task events only, or any) with one to six random edits; `huge` allows 100 KB strings. */
export function mutatedEventArb(
  options: { huge?: boolean; from?: readonly RealEvent[] } = {},
): fc.Arbitrary<MutatedEvent> {
  const from = options.from ?? REAL_EVENTS;
  return fc
    .tuple(
      fc.constantFrom(...from),
      fc.array(mutationArb({ huge: options.huge ?? false }), { minLength: 1, maxLength: 6 }),
    )
    .map(([real, mutations]) => ({ file: real.file, mutations, event: apply(real, mutations) }));
}
