// Reading an import file: the User Import API's request body (`{identifier, upsert?, records}`),
// or just the array of records. Pure functions, so the wizard and its checks agree.
import type { ImportDetail, ImportIdentifier, ImportOutcome } from '../api/sandbox'

/** The import endpoint's body limit (decimal, as upstream). */
export const IMPORT_BODY_LIMIT = 500_000
export const IDENTIFIERS: ImportIdentifier[] = ['email', 'phone_number', 'preferred_username']
export const OUTCOMES: ImportOutcome[] = ['inserted', 'updated', 'skipped', 'failed']

export type ParsedImportFile =
  | { records: Record<string, unknown>[]; identifier?: ImportIdentifier; upsert?: boolean }
  | { error: string }

export function parseImportFile(text: string, bytes: number): ParsedImportFile {
  if (bytes > IMPORT_BODY_LIMIT) {
    return { error: `The file is ${bytes.toLocaleString()} bytes; one import takes at most ${IMPORT_BODY_LIMIT.toLocaleString()} bytes. Split the records over several files.` }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { error: `The file is not valid JSON: ${(e as Error).message}` }
  }
  const body = (Array.isArray(value) ? { records: value } : value) as Record<string, unknown> | null
  if (!body || typeof body !== 'object' || !Array.isArray(body.records)) {
    return { error: 'Expected the import request {"identifier": "email", "records": [...]} or an array of records.' }
  }
  const bad = body.records.findIndex((r) => !r || typeof r !== 'object' || Array.isArray(r))
  if (bad >= 0) return { error: `Record ${bad} is not a JSON object.` }
  if (body.records.length === 0) return { error: 'The file has no records.' }
  const out: ParsedImportFile = { records: body.records as Record<string, unknown>[] }
  if (body.identifier !== undefined) {
    if (!IDENTIFIERS.includes(body.identifier as ImportIdentifier)) return { error: `identifier must be one of ${IDENTIFIERS.join(', ')}.` }
    out.identifier = body.identifier as ImportIdentifier
  }
  if (body.upsert !== undefined) {
    if (typeof body.upsert !== 'boolean') return { error: 'upsert must be true or false.' }
    out.upsert = body.upsert
  }
  return out
}

/** How a detail row names its record: the identifier's value, else its index. */
export function recordLabel(detail: ImportDetail, identifier: ImportIdentifier, records?: Record<string, unknown>[]): string {
  const record = detail.record ?? records?.[detail.index]
  const v = record?.[identifier]
  return typeof v === 'string' ? v : `record ${detail.index}`
}

/** One line per problem: the error messages, then the warnings. */
export function detailNotes(detail: ImportDetail): string[] {
  return [...(detail.errors ?? []).map((e) => `${e.reason}: ${e.message}`), ...(detail.warnings ?? []).map((w) => w.message)]
}
