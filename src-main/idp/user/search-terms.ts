/**
 * What the Admin API `users(searchKeyword:)` matches (spec admin-api.md 6.3), as lower-cased terms
 * stored per user: computed once when a user or identity is written, so a search is an index
 * lookup, never a parse of every user's JSON.
 */
import type { Identity } from '../store/repos/identities';
import { parsePhone } from './phone';

/** 1: exact, or prefix when the keyword has 3+ characters; 2: exact only; 3: a word of a text field. */
export type TermKind = 1 | 2 | 3;
export interface SearchTerm {
  term: string;
  kind: TermKind;
}

const EXACT_ATTRS = ['gender', 'zoneinfo', 'locale'];
const EXACT_ADDRESS = ['country', 'postal_code'];
const TEXT_ATTRS = ['family_name', 'given_name', 'middle_name', 'name', 'nickname'];
const TEXT_ADDRESS = ['formatted', 'street_address', 'locality', 'region'];

/** Whole words of free text, lower-cased (a simple stand-in for Elasticsearch's analyzer). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function emailTerms(email: string, out: SearchTerm[]): void {
  const e = email.toLowerCase();
  out.push({ term: e, kind: 1 });
  const at = e.lastIndexOf('@');
  if (at > 0) {
    out.push({ term: e.slice(0, at), kind: 1 }, { term: e.slice(at + 1), kind: 1 });
  }
}

function phoneTerms(phone: string, out: SearchTerm[]): void {
  out.push({ term: phone.toLowerCase(), kind: 1 });
  const p = parsePhone(phone);
  if (p) out.push({ term: p.nationalNumber, kind: 1 }, { term: p.countryCallingCode, kind: 2 }, { term: `+${p.countryCallingCode}`, kind: 2 });
}

function claimTerms(claims: Record<string, unknown>, out: SearchTerm[]): void {
  if (typeof claims.email === 'string') emailTerms(claims.email, out);
  if (typeof claims.phone_number === 'string') phoneTerms(claims.phone_number, out);
  if (typeof claims.preferred_username === 'string') out.push({ term: claims.preferred_username.toLowerCase(), kind: 1 });
}

/** One entry per term; the broadest kind wins. */
export function mergeTerms(terms: SearchTerm[]): SearchTerm[] {
  return dedupe(terms);
}

function dedupe(terms: SearchTerm[]): SearchTerm[] {
  const seen = new Map<string, SearchTerm>();
  for (const t of terms) {
    const prev = seen.get(t.term);
    // The broadest kind wins: an exact-or-prefix term also matches exactly.
    if (!prev || (prev.kind !== 1 && t.kind === 1)) seen.set(t.term, t);
  }
  return [...seen.values()];
}

/** Terms from the standard attributes. */
export function attributeTerms(attrs: Record<string, unknown>): SearchTerm[] {
  const out: SearchTerm[] = [];
  claimTerms(attrs, out);
  for (const k of EXACT_ATTRS) if (typeof attrs[k] === 'string') out.push({ term: (attrs[k] as string).toLowerCase(), kind: 2 });
  for (const k of TEXT_ATTRS) if (typeof attrs[k] === 'string') out.push(...words(attrs[k] as string).map((term) => ({ term, kind: 3 as const })));
  const address = attrs.address;
  if (address && typeof address === 'object') {
    const a = address as Record<string, unknown>;
    for (const k of EXACT_ADDRESS) if (typeof a[k] === 'string') out.push({ term: (a[k] as string).toLowerCase(), kind: 2 });
    for (const k of TEXT_ADDRESS) if (typeof a[k] === 'string') out.push(...words(a[k] as string).map((term) => ({ term, kind: 3 as const })));
  }
  return dedupe(out.filter((t) => t.term.length > 0));
}

/** Terms from one identity: its e-mail, phone or username, and an OAuth subject. */
export function identityTerms(identity: Pick<Identity, 'type' | 'loginIdType' | 'loginId' | 'claims'>): SearchTerm[] {
  const out: SearchTerm[] = [];
  claimTerms(identity.claims, out);
  if (identity.loginId) {
    if (identity.loginIdType === 'email') emailTerms(identity.loginId, out);
    else if (identity.loginIdType === 'phone') phoneTerms(identity.loginId, out);
    else out.push({ term: identity.loginId.toLowerCase(), kind: 1 });
  }
  const subject = identity.claims['https://authgear.com/claims/oauth/subject_id'];
  if (identity.type === 'oauth' && typeof subject === 'string') out.push({ term: subject.toLowerCase(), kind: 1 });
  return dedupe(out.filter((t) => t.term.length > 0));
}
