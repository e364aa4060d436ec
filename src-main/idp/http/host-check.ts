/**
 * DNS-rebinding guard: only Host values naming this server are served. A page on
 * evil.example that re-resolves its name to 127.0.0.1 sends `Host: evil.example` and is refused.
 */
export function allowedHosts(issuer: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const u = new URL(issuer);
  hosts.add(u.host);
  // Behind a reverse proxy on the default port the Host header carries no port.
  if (!u.port) hosts.add(u.hostname);
  return hosts;
}
