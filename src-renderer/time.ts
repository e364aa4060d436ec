// Durations and instants in human wording. Pure functions, so views and tests agree.

const UNITS: [number, string, string][] = [
  [86_400_000, 'day', 'days'],
  [3_600_000, 'h', 'h'],
  [60_000, 'min', 'min'],
  [1000, 's', 's'],
]

/** "2 days 3 h", "29 min 41 s", "0 s": the two largest non-zero units. */
export function formatDuration(ms: number): string {
  let rest = Math.floor(Math.abs(ms) / 1000) * 1000
  const parts: string[] = []
  for (const [size, one, many] of UNITS) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0 || (parts.length > 0 && parts.length < 2)) parts.push(`${n} ${n === 1 ? one : many}`)
    if (parts.length === 2) break
  }
  const trimmed = parts.filter((p, i) => i === 0 || !p.startsWith('0 '))
  return trimmed.length ? trimmed.join(' ') : '0 s'
}

/** "in 29 min 41 s" or "3 min 2 s ago", relative to `nowMs`. */
export function formatRelative(targetMs: number, nowMs: number): string {
  const diff = targetMs - nowMs
  if (Math.abs(diff) < 1000) return 'now'
  return diff > 0 ? `in ${formatDuration(diff)}` : `${formatDuration(diff)} ago`
}

/** A signed offset such as "+1 day 2 h", "−5 min" or "none". */
export function formatOffset(ms: number): string {
  if (Math.abs(ms) < 1000) return 'none'
  return `${ms > 0 ? '+' : '−'}${formatDuration(ms)}`
}

/** Local date and time with seconds, e.g. "1/2/2026, 14:03:27". */
export function formatInstant(ms: number): string {
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? String(ms) : d.toLocaleString(undefined, { hour12: false })
}

/** UTC in RFC 3339 without milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
