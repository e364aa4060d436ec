import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';

it('the project type-checks (npm run typecheck)', () => {
  const r = spawnSync(process.execPath, ['scripts/typecheck.js'], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).not.toMatch(/error TS/);
  expect(r.status).toBe(0);
}, 180_000);
