// Pure pieces of the console: proxy configurations (checked against the README's tested blocks),
// token decoding and claim explanations, time wording, request-log redaction.
import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { nginxSnippet, traefikSnippet, curlCommand } from '../../src-renderer/proxySnippets';

describe('proxy snippets', () => {
  it('the generated nginx block for the README example values is the README block (which the nginx test runs)', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```nginx\n([\s\S]*?)```/.exec(readme)![1];
    expect(nginxSnippet({ issuer: 'http://localhost:3100', listen: '127.0.0.1:8080', backend: 'http://127.0.0.1:8000' })).toBe(block);
  });

  it('the generated Traefik block for the README example is the README block', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```yaml\n(http:\n  middlewares:[\s\S]*?)```/.exec(readme)![1];
    expect(traefikSnippet({ issuer: 'http://localhost:3100' })).toBe(block);
  });

  it('uses the sandbox origin: its port, and a non-loopback issuer as is', () => {
    const local = nginxSnippet({ issuer: 'http://localhost:49152', listen: '127.0.0.1:8080', backend: 'http://127.0.0.1:8000/' });
    expect(local).toContain('proxy_pass http://127.0.0.1:49152/_resolver/resolve;');
    expect(local).toContain('proxy_set_header Host localhost:49152;');
    expect(local).toContain('proxy_pass http://127.0.0.1:8000;');
    const remote = nginxSnippet({ issuer: 'https://auth.example.test', listen: '443 ssl', backend: 'http://app:8000' });
    expect(remote).toContain('proxy_pass https://auth.example.test/_resolver/resolve;');
    expect(remote).toContain('proxy_set_header Host auth.example.test;');
    expect(traefikSnippet({ issuer: 'http://127.0.0.1:3200' })).toContain('address: "http://127.0.0.1:3200/_resolver/resolve"');
  });

  it('quotes a curl command for the shell', () => {
    expect(curlCommand('http://localhost:3100', { authorization: "Bearer a'b", cookie: 'session=x' })).toBe(
      "curl -i \\\n  -H 'Authorization: Bearer a'\\''b' \\\n  -H 'Cookie: session=x' \\\n  'http://localhost:3100/_resolver/resolve'",
    );
  });
});
