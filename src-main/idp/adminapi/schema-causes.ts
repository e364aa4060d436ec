/**
 * JSON Schema validation reporting failures as upstream's validator does (spec import-export.md
 * 2.3; authgear-server pkg/util/validation): one cause per failing leaf, `{location, kind,
 * details}`, sorted by location. Keyword details follow the Go library: `required` has
 * `actual`/`expected`/`missing` (sorted), `type` `actual`/`expected` (sorted type names), `enum`
 * `actual`/`expected`, `minLength`/`minItems` `actual`/`expected`, `format` `format` and the
 * checker's `error`; an unknown key fails at its own location with kind "" and no details.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { GoMap } from './go-json';

/** A format checker: undefined when the value passes, else the error text upstream reports. */
export type FormatChecker = (value: string) => string | undefined;

/** One failure, struct-shaped: `location`, `kind`, then `details` (a map) when there are any. */
export class Cause {
  constructor(
    readonly location: string,
    readonly kind: string,
    readonly details?: GoMap,
  ) {}
}

export function createValidator(formats: Record<string, FormatChecker>) {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, { type: 'string', validate: (v: string) => check(v) === undefined });
  const cache = new Map<string, ValidateFunction>();
  const compile = (schema: object): ValidateFunction => {
    const key = JSON.stringify(schema);
    let v = cache.get(key);
    if (!v) {
      v = ajv.compile(schema);
      cache.set(key, v);
    }
    return v;
  };
  return {
    /** The causes of `value` failing `schema`, or an empty list when it passes. */
    validate(schema: object, value: unknown): Cause[] {
      const v = compile(schema);
      return v(value) ? [] : causesOf(v.errors ?? [], formats);
    },
  };
}

function jsonType(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  if (typeof v === 'boolean') return ['boolean'];
  return [typeof v];
}

const escapeToken = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1');

function causesOf(errors: ErrorObject[], formats: Record<string, FormatChecker>): Cause[] {
  const out: Cause[] = [];
  const seenRequired = new Set<string>();
  for (const e of errors) {
    const p = e.params as Record<string, any>;
    switch (e.keyword) {
      case 'required': {
        // ajv reports each missing key; upstream reports the object once.
        if (seenRequired.has(e.instancePath + e.schemaPath)) break;
        seenRequired.add(e.instancePath + e.schemaPath);
        const expected = [...((e.parentSchema as { required?: string[] })?.required ?? [])].sort();
        const actual = Object.keys(e.data as object).sort();
        const missing = expected.filter((k) => !actual.includes(k));
        // Go leaves an empty list nil, which encodes as null.
        out.push(new Cause(e.instancePath, 'required', new GoMap({ actual: actual.length ? actual : null, expected, missing })));
        break;
      }
      case 'additionalProperties':
        out.push(new Cause(`${e.instancePath}/${escapeToken(String(p.additionalProperty))}`, ''));
        break;
      case 'type': {
        const expected = (Array.isArray(e.schema) ? [...(e.schema as string[])] : [String(e.schema)]).sort();
        out.push(new Cause(e.instancePath, 'type', new GoMap({ actual: jsonType(e.data), expected })));
        break;
      }
      case 'enum':
        out.push(new Cause(e.instancePath, 'enum', new GoMap({ actual: e.data, expected: p.allowedValues })));
        break;
      case 'minLength':
        out.push(new Cause(e.instancePath, 'minLength', new GoMap({ actual: [...String(e.data)].length, expected: p.limit })));
        break;
      case 'minItems':
        out.push(new Cause(e.instancePath, 'minItems', new GoMap({ actual: (e.data as unknown[]).length, expected: p.limit })));
        break;
      case 'format': {
        const error = formats[p.format]?.(String(e.data));
        out.push(new Cause(e.instancePath, 'format', new GoMap({ ...(error ? { error } : {}), format: p.format })));
        break;
      }
      case 'minimum':
      case 'maximum':
        out.push(new Cause(e.instancePath, e.keyword, new GoMap({ actual: e.data, [e.keyword]: p.limit })));
        break;
      default:
        out.push(new Cause(e.instancePath, e.keyword));
    }
  }
  // Go's sort.Slice by location (not stable; equal locations keep ajv's order here).
  return out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
}
