/**
 * Relay connections, the two kinds upstream uses (spec admin-api.md 4): database-paged with
 * `offset:N` cursors and upstream's pageInfo quirks, and in-memory arrays with graphql-relay's
 * `arrayconnection:N` cursors.
 */
import { ApiError } from '../errors';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { startCursor: string; endCursor: string; hasNextPage: boolean; hasPreviousPage: boolean };
  totalCount: number | null;
}

export const DEFAULT_MAX_PAGE_SIZE = 100;

const OFFSET_PREFIX = 'offset:';

export function offsetCursor(offset: number): string {
  return Buffer.from(`${OFFSET_PREFIX}${offset}`).toString('base64url');
}

function parseOffsetCursor(cursor: string | null | undefined): number | undefined {
  if (!cursor) return undefined;
  const invalid = () => new ApiError('Invalid', 'InvalidCursor', 'invalid pagination cursor');
  if (!/^[A-Za-z0-9_-]*$/.test(cursor) || cursor.length % 4 === 1) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(OFFSET_PREFIX) || !/^\d+$/.test(text.slice(OFFSET_PREFIX.length))) throw invalid();
  const n = Number(text.slice(OFFSET_PREFIX.length));
  if (!Number.isSafeInteger(n)) throw invalid();
  return n;
}

/** What to fetch for a database-paged connection: `limit` rows from `offset`. */
export interface OffsetPage {
  offset: number;
  limit: number;
  first?: number;
  last?: number;
}

/** Upstream's accepted argument combinations (pkg/lib/infra/db/pagination.go). */
export function offsetPage(args: ConnectionArgs, maxPageSize = DEFAULT_MAX_PAGE_SIZE): OffsetPage {
  let first = typeof args.first === 'number' && args.first >= 0 ? Math.min(args.first, maxPageSize) : undefined;
  const last = typeof args.last === 'number' && args.last >= 0 ? Math.min(args.last, maxPageSize) : undefined;
  if (first === undefined && last === undefined) first = maxPageSize;
  const after = parseOffsetCursor(args.after);
  const before = parseOffsetCursor(args.before);
  if (after === undefined && before === undefined && last === undefined) {
    return { offset: 0, limit: first!, first };
  }
  if (after !== undefined && before === undefined && first !== undefined && last === undefined) {
    return { offset: after + 1, limit: first, first };
  }
  if (after !== undefined && before !== undefined) {
    let offset = after + 1;
    let limit = Math.max(before - offset, 0);
    if (first !== undefined && first < limit) limit = first;
    if (last !== undefined && last < limit) {
      offset += limit - last;
      limit = last;
    }
    return { offset, limit, first, last };
  }
  throw new ApiError('BadRequest', 'InvalidQuery', 'unsupported pagination');
}

/** A page of rows fetched at `page.offset`; pageInfo as upstream computes it (both flags start true). */
export function offsetConnection<T>(rows: T[], page: OffsetPage, totalCount: number | null): Connection<T> {
  let hasNextPage = true;
  let hasPreviousPage = true;
  if (page.first !== undefined) {
    if (rows.length < page.first) hasNextPage = false;
  } else if (page.last !== undefined) {
    if (rows.length < page.last) hasPreviousPage = false;
  }
  const edges = rows.map((node, i) => ({ cursor: offsetCursor(page.offset + i), node }));
  return {
    edges,
    pageInfo: { startCursor: edges[0]?.cursor ?? '', endCursor: edges[edges.length - 1]?.cursor ?? '', hasNextPage, hasPreviousPage },
    totalCount,
  };
}

const ARRAY_PREFIX = 'arrayconnection:';

function arrayCursor(offset: number): string {
  return Buffer.from(`${ARRAY_PREFIX}${offset}`).toString('base64');
}

function arrayOffset(cursor: string | null | undefined, fallback: number): number {
  if (!cursor) return fallback;
  const text = Buffer.from(cursor, 'base64').toString('utf8').split(ARRAY_PREFIX).join('');
  return /^-?\d+$/.test(text) ? Number(text) : fallback;
}

/** graphql-relay's connectionFromArray over the whole list; totalCount is its length. */
export function arrayConnection<T>(data: T[], args: ConnectionArgs): Connection<T> {
  const length = data.length;
  const beforeOffset = arrayOffset(args.before, length);
  const afterOffset = arrayOffset(args.after, -1);
  let start = Math.max(-1, afterOffset, -1) + 1;
  let end = Math.min(length, beforeOffset, length);
  const first = typeof args.first === 'number' ? args.first : undefined;
  const last = typeof args.last === 'number' ? args.last : undefined;
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);
  if (start > end) {
    return { edges: [], pageInfo: { startCursor: '', endCursor: '', hasPreviousPage: false, hasNextPage: false }, totalCount: length };
  }
  const slice = data.slice(start, end);
  const edges = slice.map((node, i) => ({ cursor: arrayCursor(start + i), node }));
  const lower = args.after ? afterOffset + 1 : 0;
  const upper = args.before ? beforeOffset : length;
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? '',
      endCursor: edges[edges.length - 1]?.cursor ?? '',
      hasPreviousPage: last !== undefined ? start > lower : false,
      hasNextPage: first !== undefined ? end < upper : false,
    },
    totalCount: length,
  };
}
