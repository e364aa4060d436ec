import { describe, it, expect } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { decideNavigation, windowOrigins } from '../../src-main/navigation-policy';

const root = join(import.meta.dirname, '../..');

describe('console window navigation policy', () => {
  const allowed = windowOrigins('http://127.0.0.1:3100/_sandbox/#token=x', 'http://localhost:3100');

  it('keeps the IdP origins inside the window', () => {
    expect([...allowed].sort()).toEqual(['http://127.0.0.1:3100', 'http://localhost:3100']);
    expect(decideNavigation('http://localhost:3100/login?x_ref=1', allowed)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:3100/_sandbox/#/outbox', allowed)).toBe('allow');
  });

  it('sends other web links to the browser, and blocks everything else', () => {
    expect(decideNavigation('https://docs.authgear.com/', allowed)).toBe('open-externally');
    expect(decideNavigation('http://localhost:3101/', allowed)).toBe('open-externally');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'mailto:a@b.c', 'myapp://cb', 'http://user:pw@evil.example/', 'not a url', '']) {
      expect(decideNavigation(url, allowed)).toBe('block');
    }
  });
});

describe('desktop shell', () => {
  it('the window is sandboxed: context isolation, no Node integration, no preload', async () => {
    const main = await readFile(join(root, 'src-main/index.ts'), 'utf8');
    expect(main).toMatch(/contextIsolation: true/);
    expect(main).toMatch(/sandbox: true/);
    expect(main).toMatch(/nodeIntegration: false/);
    expect(main).not.toMatch(/preload/);
    expect(main).toMatch(/requestSingleInstanceLock\(\)/);
  });

  it('the IdP core never imports Electron', async () => {
    const files = (await readdir(join(root, 'src-main/idp'), { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const text = await readFile(join(root, 'src-main/idp', f), 'utf8');
      expect(text, f).not.toMatch(/from ['"]electron['"]|require\(['"]electron['"]\)/);
    }
  });

  it('packaging is configured for Linux, macOS and Windows, with an icon that exists', async () => {
    const config = parse(await readFile(join(root, 'electron-builder.yml'), 'utf8'));
    expect(config.appId).toMatch(/\./);
    expect(config.files).toContain('out/**/*');
    for (const os of ['linux', 'mac', 'win']) {
      expect(config[os].target.length, os).toBeGreaterThan(0);
      const icon = await readFile(join(root, config[os].icon));
      expect(icon.subarray(1, 4).toString(), os).toBe('PNG');
    }
  });
});
