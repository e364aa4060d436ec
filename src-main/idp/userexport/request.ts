/**
 * The export request (spec import-export.md 6.1): schema, then field names that must be unique,
 * given or derived from the pointer (`/address/formatted` → `address.formatted`).
 */
import { ApiError } from '../errors';
import { createValidator } from '../adminapi/schema-causes';
import { parsePointer } from './pointer';

export interface FieldPointer {
  pointer: string;
  field_name?: string;
}

/** The parsed request as the task echoes it: unknown keys inside `csv` are gone. */
export interface ExportRequest {
  format: 'ndjson' | 'csv';
  csv?: { fields?: FieldPointer[] };
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['format'],
  properties: {
    format: { type: 'string', enum: ['ndjson', 'csv'] },
    csv: {
      type: 'object',
      properties: {
        fields: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['pointer'],
            properties: { field_name: { type: 'string', minLength: 1 }, pointer: { type: 'string', format: 'json-pointer' } },
          },
        },
      },
    },
  },
};

const validator = createValidator({
  'json-pointer': (v) => {
    const p = parsePointer(v);
    return typeof p === 'string' ? p : undefined;
  },
});

/** Header names of the fields; 400 UserExportNonUniqueFieldNames listing all of them when two are equal. */
export function fieldNames(fields: FieldPointer[]): string[] {
  const names = fields.map((f) => f.field_name || (parsePointer(f.pointer) as string[]).join('.'));
  if (new Set(names).size !== names.length) throw new ApiError('Invalid', 'UserExportNonUniqueFieldNames', 'field names are not unique', { field_names: names });
  return names;
}

/** Validates a parsed body (schema, then names) and returns the request to echo. */
export function readExportRequest(value: unknown, extraKeys: string[] = []): ExportRequest {
  const v = value as Record<string, unknown>;
  // Sandbox-only keys are checked by the caller; the compatible schema must not see them.
  const compatible = v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !extraKeys.includes(k))) : v;
  const causes = validator.validate(SCHEMA, compatible);
  if (causes.length) throw new ApiError('Invalid', 'ValidationFailed', 'invalid request body', { causes });
  const body = compatible as { format: 'ndjson' | 'csv'; csv?: { fields?: FieldPointer[] } };
  const req: ExportRequest = { format: body.format };
  if (body.csv) {
    req.csv = {};
    if (body.csv.fields) req.csv.fields = body.csv.fields.map((f) => ({ pointer: f.pointer, ...(f.field_name ? { field_name: f.field_name } : {}) }));
  }
  fieldNames(req.csv?.fields ?? []);
  return req;
}
