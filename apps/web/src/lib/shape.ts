import type { ResponseSchema } from './api.ts';

// Small response checks for API answers whose zod schemas are not in @linewatch/schema yet (sign-in
// and audit): the same safeParse contract as zod, so apiGet treats them alike, without adding zod
// to the UI's dependencies. Unknown fields are kept; a missing or mistyped one is named by its path.

class ShapeIssue extends Error {
  constructor(
    readonly path: PropertyKey[],
    message: string,
  ) {
    super(message);
  }
}

/** Reads a value of type T out of unknown data, or throws a ShapeIssue naming where it is wrong. */
export type Check<T> = (value: unknown, path: PropertyKey[]) => T;

const expected = (what: string, value: unknown, path: PropertyKey[]) =>
  new ShapeIssue(path, `expected ${what}, got ${value === null ? 'null' : typeof value}`);

/** A string. */
export const str: Check<string> = (v, path) => {
  if (typeof v !== 'string') throw expected('string', v, path);
  return v;
};

/** A boolean. */
export const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw expected('boolean', v, path);
  return v;
};

/** Any JSON value, as is. */
export const any: Check<unknown> = (v) => v;

/** null (or absent) or a T. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, path) => (v === null || v === undefined ? null : check(v, path));
}

/** A string, or '' when null or absent. */
export const text: Check<string> = (v, path) => (v === null || v === undefined ? '' : str(v, path));

/** An array of T. */
export function array<T>(check: Check<T>): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw expected('array', v, path);
    return v.map((item, i) => check(item, [...path, i]));
  };
}

/** An object with these fields. */
export function object<T extends object>(fields: { [K in keyof T]: Check<T[K]> }): Check<T> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw expected('object', v, path);
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const checks: [string, Check<unknown>][] = Object.entries(fields);
    for (const [k, check] of checks) out[k] = check((v as Record<string, unknown>)[k], [...path, k]);
    return out as T;
  };
}

/** A ResponseSchema (zod's safeParse contract) from a check. */
export function schemaOf<T>(check: Check<T>): ResponseSchema<T> {
  return {
    safeParse(data) {
      try {
        return { success: true, data: check(data, []) };
      } catch (e) {
        if (e instanceof ShapeIssue)
          return { success: false, error: { issues: [{ path: e.path, message: e.message }] } };
        throw e;
      }
    },
  };
}
