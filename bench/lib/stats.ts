export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
