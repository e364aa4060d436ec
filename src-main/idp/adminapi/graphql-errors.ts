/**
 * GraphQL errors as upstream shapes them (spec admin-api.md 11.1): an API error keeps its
 * message and gains `extensions {errorName, reason, info?}`; any other failure inside a resolver
 * becomes `unexpected error` with no path; validation errors keep graphql-js's words except where
 * upstream's (graphql-go's) differ in a way callers see.
 */
import { GraphQLError, Kind, print, visit, type ASTNode, type DocumentNode, type ArgumentNode, type GraphQLFormattedError } from 'graphql';
import { ApiError } from '../errors';

export function formatError(e: GraphQLError): GraphQLFormattedError {
  const original = e.originalError;
  if (original instanceof ApiError) {
    return {
      message: original.message,
      ...(e.locations ? { locations: e.locations } : {}),
      ...(e.path ? { path: e.path } : {}),
      extensions: { errorName: original.name, reason: original.reason, ...(original.info && Object.keys(original.info).length ? { info: original.info } : {}) },
    };
  }
  // A resolver failed with something that is not an API error: hide it, as upstream does.
  if (original && e.path) {
    console.error('admin API: unexpected error', original);
    return { message: 'unexpected error', locations: [] };
  }
  const out: GraphQLFormattedError = { message: e.message, ...(e.locations ? { locations: e.locations } : {}), ...(e.path ? { path: e.path } : {}) };
  return e.extensions && Object.keys(e.extensions).length ? { ...out, extensions: e.extensions } : out;
}

const EXPECTED = /^Expected value of type "([^"]+)", found ([\s\S]*)\.$/;

/**
 * graphql-go words an invalid argument literal as `Argument "input" has invalid value {...}.`
 * followed by `In field "x": Expected type "T", found v.`; callers match on that (spec 1).
 */
export function rewriteLiteralErrors(doc: DocumentNode, errors: readonly GraphQLError[]): GraphQLError[] {
  const owner = new Map<ASTNode, { arg: ArgumentNode; path: string[] }>();
  visit(doc, {
    Argument(arg) {
      const walk = (node: ASTNode, path: string[]) => {
        owner.set(node, { arg, path });
        if (node.kind === Kind.OBJECT) for (const f of node.fields) walk(f.value, [...path, f.name.value]);
        if (node.kind === Kind.LIST) for (const v of node.values) walk(v, path);
      };
      walk(arg.value, []);
    },
  });
  return errors.map((e) => {
    const m = EXPECTED.exec(e.message);
    const node = e.nodes?.[0];
    const o = node && owner.get(node);
    if (!m || !o) return e;
    const where = o.path.length ? `In field "${o.path.join('.')}": ` : '';
    const message = `Argument "${o.arg.name.value}" has invalid value ${print(o.arg.value)}.\n${where}Expected type "${m[1]}", found ${m[2]}.`;
    return new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions });
  });
}
