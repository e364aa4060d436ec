/**
 * Custom scalars (spec admin-api.md 1): DateTime in RFC 3339 (UTC out, Go's trimmed fractions),
 * and JSON-object scalars that pass through as plain JSON. Inline literals of a JSON scalar must
 * be strings holding JSON: an object literal is rejected at validation, as upstream does.
 */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { rfc3339 } from '../user/claims';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** ms since the epoch from RFC 3339 with an explicit offset; undefined when malformed. */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(value.toUpperCase());
  return Number.isFinite(ms) ? ms : undefined;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (typeof v === 'number' ? rfc3339(v) : v),
  parseValue: (v) => {
    const ms = parseDateTime(v);
    if (ms === undefined) throw new TypeError(`invalid DateTime: ${JSON.stringify(v)}`);
    return ms;
  },
  parseLiteral: (ast: ValueNode) => (ast.kind === Kind.STRING ? parseDateTime(ast.value) : undefined),
});

/** A JSON scalar: variables as they are, inline literals only as strings of JSON text. */
export function jsonScalar(name: string): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) return undefined;
      try {
        return JSON.parse(ast.value);
      } catch {
        return undefined;
      }
    },
  });
}

export const JSON_SCALARS = ['UserStandardAttributes', 'UserCustomAttributes', 'IdentityClaims', 'AuthenticatorClaims', 'AuditLogData', 'Web3Claims'];
