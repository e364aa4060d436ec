#!/usr/bin/env node
// `npm run bench` entry: registers tsx in-process (as bin/authgear-sandbox.js does), so the bench
// is TypeScript without a build step and package.json can keep `node bench/run.js`.
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
