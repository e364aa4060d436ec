import { h, toString, type Raw } from './html';
import type { Translate } from './texts';

/** Styles of the built-in pages: bundled inline, nothing loaded from the internet. */
const CSS = `
:root { color-scheme: light dark; --brand: #176df3; --brand-dark: #0f56c7; --bg: #f4f6f9; --card: #fff;
  --text: #1b1f24; --muted: #5b6470; --border: #cfd6de; --error: #c62828; --error-bg: #fdecec; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --card: #1b2027; --text: #e8ebef; --muted: #a3adb9;
  --border: #3a4450; --error: #ff8a80; --error-bg: #3b1f1f; --brand: #5b9bff; --brand-dark: #8ab8ff; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; justify-content: center;
  background: var(--bg); color: var(--text); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { width: 100%; max-width: 400px; padding: 16px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 32px 28px; box-shadow: 0 2px 12px rgba(0,0,0,.06); }
.brand { display: flex; align-items: center; gap: 10px; font-weight: 600; margin-bottom: 20px; }
.brand svg { width: 28px; height: 28px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
.sub { color: var(--muted); margin: 0 0 24px; }
label { display: block; font-weight: 500; margin: 16px 0 6px; }
label.check { display: flex; gap: 8px; align-items: center; font-weight: 400; }
input[type=email], input[type=password], input[type=text], input[type=tel] { width: 100%; padding: 10px 12px; font: inherit; color: inherit;
  background: transparent; border: 1px solid var(--border); border-radius: 8px; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
.hint { color: var(--muted); font-size: .875rem; margin: 6px 0 0; }
button.primary { width: 100%; margin-top: 24px; padding: 11px; font: inherit; font-weight: 600; color: #fff;
  background: var(--brand); border: 0; border-radius: 8px; cursor: pointer; }
button.primary:hover { background: var(--brand-dark); }
button.secondary { width: 100%; margin-top: 12px; padding: 11px; font: inherit; font-weight: 600; color: var(--text);
  background: transparent; border: 1px solid var(--border); border-radius: 8px; cursor: pointer; }
ul { padding-left: 20px; }
.qr { margin: 8px auto; width: 200px; height: 200px; background: #fff; padding: 8px; border-radius: 8px; }
.qr svg { width: 100%; height: 100%; }
ul.codes { columns: 2; list-style: none; padding: 0; font-family: ui-monospace, monospace; }
details { margin-top: 16px; }
.error { background: var(--error-bg); color: var(--error); border-radius: 8px; padding: 10px 12px; margin: 0 0 8px; }
.alt { text-align: center; margin: 20px 0 0; color: var(--muted); }
a { color: var(--brand); }
input[type=url], input[type=date], select { width: 100%; padding: 10px 12px; font: inherit; color: inherit;
  background: transparent; border: 1px solid var(--border); border-radius: 8px; }
.section { margin-top: 28px; }
.section h2 { font-size: .8rem; margin: 0 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
ul.rows { list-style: none; padding: 0; margin: 0; }
ul.rows li { display: flex; justify-content: space-between; align-items: center; gap: 12px; padding: 10px 0; border-bottom: 1px solid var(--border); }
ul.rows li:last-child { border-bottom: 0; }
.meta { color: var(--muted); font-size: .875rem; overflow-wrap: anywhere; }
button.link { background: none; border: 0; padding: 0; color: var(--brand); font: inherit; cursor: pointer; text-decoration: underline; }
.notice { background: var(--bg); border-radius: 8px; padding: 10px 12px; margin: 0 0 8px; }
footer { color: var(--muted); font-size: .8rem; text-align: center; max-width: 400px; padding: 0 16px 16px; }
`;

const LOGO = h`<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#176df3"/><path d="M16 7l8 18h-4l-1.6-4h-4.8L12 25H8zm0 7l-1.6 4h3.2z" fill="#fff"/></svg>`;

export function page(t: Translate, lang: string, title: string, content: Raw): string {
  return (
    '<!DOCTYPE html>\n' +
    toString(h`<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t('app.name')}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<div class="card">
<div class="brand">${LOGO}<span>${t('app.name')}</span></div>
${content}
</div>
</main>
<footer>${t('footer.sandbox')}</footer>
</body>
</html>
`)
  );
}

/** Security headers of every built-in page. */
export const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
};
