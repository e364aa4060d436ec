#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the headless sandbox needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli.ts');
await main();
