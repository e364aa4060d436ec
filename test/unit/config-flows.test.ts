import { it, expect } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { loadConfig } from '../../src-main/idp/config/load';
import { defaultAppConfigYaml } from '../../src-main/idp/config/generate';
import { ConfigError } from '../../src-main/idp/errors';
import { createClock } from '../../src-main/idp/clock';
import { createRandom } from '../../src-main/idp/random';
import { tempDir } from '../helpers/idp';

async function load(edit: (doc: any) => void) {
  const dir = await tempDir();
  const doc = parse(defaultAppConfigYaml('http://localhost:3100'));
  edit(doc);
  await writeFile(join(dir, 'authgear.yaml'), stringify(doc));
  return loadConfig(dir, { random: createRandom(), clock: createClock(), defaultOrigin: 'http://localhost:3100' });
}

it('reads flows declared under authentication_flow, by type', async () => {
  const config = await load((doc) => (doc.authentication_flow = { login_flows: [{ name: 'mine', steps: [{ type: 'identify', one_of: [{ identification: 'email' }] }] }] }));
  expect(config.app.authentication_flow.login?.[0]).toMatchObject({ name: 'mine', steps: [{ type: 'identify' }] });
  expect(config.notices.join('\n')).not.toContain('authentication_flow');
});

it('names the field of an unsupported step type or a bad flow name', async () => {
  const bogus = load((doc) => (doc.authentication_flow = { login_flows: [{ name: 'x', steps: [{ type: 'teleport' }] }] }));
  await expect(bogus).rejects.toBeInstanceOf(ConfigError);
  await expect(bogus).rejects.toThrow('authgear.yaml: /authentication_flow/login_flows/0/steps/0/type: must be equal to one of the allowed values');
  await expect(load((doc) => (doc.authentication_flow = { signup_flows: [{ name: 'has space', steps: [] }] }))).rejects.toThrow('/authentication_flow/signup_flows/0/name');
});

it('refuses a test_mode rule whose regex does not compile', async () => {
  await expect(load((doc) => (doc.test_mode = { oob_otp: { enabled: true, rules: [{ regex: '(' }] } }))).rejects.toThrow('authgear.yaml: /test_mode/oob_otp/rules/0/regex: not a valid regular expression');
});
