import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { SqlValue } from 'sql.js';

/** One statement of a committed transaction, as `Database.run` received it. */
export type JournalOp = [sql: string, params: SqlValue[] | Record<string, SqlValue>];

export interface JournalRecord {
  seq: number;
  ops: JournalOp[];
}

// Blobs (profile pictures) travel as {"$b": base64}; everything else is plain JSON.
function encodeValue(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $b: Buffer.from(value).toString('base64') } : value;
}

function decodeValue(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$b' && typeof (value as { $b: unknown }).$b === 'string') {
      return new Uint8Array(Buffer.from((value as { $b: string }).$b, 'base64'));
    }
  }
  return value;
}

const checksum = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 16);

/** `<checksum> <json>\n`: a line that is torn or damaged by a crash fails the check. */
export function encodeRecord(r: JournalRecord): string {
  const body = JSON.stringify({ s: r.seq, o: r.ops }, encodeValue);
  return `${checksum(body)} ${body}\n`;
}

/**
 * The records of a journal file, in order, up to the first line that is incomplete or fails its
 * checksum (the tail a crash cut short: it was never acknowledged). `intact` says whether the
 * whole file was read.
 */
export async function readJournal(path: string): Promise<{ records: JournalRecord[]; intact: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: any) {
    if (e.code === 'ENOENT') return { records: [], intact: true };
    throw e;
  }
  const records: JournalRecord[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) return { records, intact: false };
    const line = text.slice(at, end);
    const space = line.indexOf(' ');
    const body = line.slice(space + 1);
    if (space !== 16 || checksum(body) !== line.slice(0, space)) return { records, intact: false };
    const parsed = JSON.parse(body, decodeValue) as { s: number; o: JournalOp[] };
    records.push({ seq: parsed.s, ops: parsed.o });
    at = end + 1;
  }
  return { records, intact: true };
}

/**
 * The append-only file of committed transactions written between snapshots. An append is made
 * durable with fdatasync before the writes it holds are acknowledged; a snapshot of the whole
 * database then lets the journal start empty again.
 */
export class Journal {
  private constructor(
    private fh: FileHandle,
    readonly path: string,
    private bytes: number,
  ) {}

  static async open(path: string): Promise<Journal> {
    const fh = await open(path, 'a', 0o600);
    const { size } = await fh.stat();
    return new Journal(fh, path, size);
  }

  get size(): number {
    return this.bytes;
  }

  async append(lines: string[]): Promise<void> {
    const data = Buffer.from(lines.join(''), 'utf8');
    await this.fh.write(data);
    await this.fh.datasync();
    this.bytes += data.length;
  }

  /** Empties the journal durably (after a snapshot has made its records redundant). */
  async reset(): Promise<void> {
    await this.fh.truncate(0);
    await this.fh.sync();
    this.bytes = 0;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
