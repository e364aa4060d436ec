/** Tagged template that HTML-escapes every interpolated value unless it is `raw()`. */
const RAW = Symbol('raw');
export interface Raw {
  [RAW]: string;
}

export function raw(s: string): Raw {
  return { [RAW]: s };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Value = string | number | boolean | null | undefined | Raw | Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (typeof v === 'object' && RAW in v) return v[RAW];
  return escapeHtml(String(v));
}

export function h(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return raw(out);
}

export function toString(r: Raw): string {
  return r[RAW];
}
