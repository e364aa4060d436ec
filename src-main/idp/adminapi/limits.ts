/**
 * Checks on a parsed document before it runs. Upstream's: at most 5 top-level fields in a
 * mutation (fragments expanded, cycles refused), answered outside GraphQL with HTTP 400.
 * The sandbox's own caps (spec "Ours"): selection depth and number of aliases, answered as
 * GraphQL errors, so a hostile query cannot make the single-threaded IdP walk a huge tree.
 */
import { Kind, GraphQLError, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { ApiError } from '../errors';

export const MAX_MUTATION_FIELDS = 5;
/** Deep enough for GraphiQL's introspection query (about 13) and any real query. */
export const MAX_DEPTH = 20;
export const MAX_ALIASES = 50;
/** Selections visited with fragments expanded: stops fragment fan-out bombs. */
export const MAX_SELECTIONS = 20_000;

export function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out.set(d.name.value, d);
  return out;
}

/** The operation to run: the named one, or the only one; undefined when ambiguous or absent. */
export function findOperation(doc: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!name) return ops.length === 1 ? ops[0] : undefined;
  return ops.find((o) => o.name?.value === name);
}

function countTopLevel(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, visiting: Set<string>): number {
  let count = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) count++;
    else if (sel.kind === Kind.INLINE_FRAGMENT) count += countTopLevel(sel.selectionSet, fragments, visiting);
    else {
      const name = sel.name.value;
      if (visiting.has(name)) throw new ApiError('BadRequest', 'BadRequest', `graphql fragment cycle detected at "${name}"`);
      const f = fragments.get(name);
      if (!f) continue;
      visiting.add(name);
      count += countTopLevel(f.selectionSet, fragments, visiting);
      visiting.delete(name);
    }
  }
  return count;
}

/** Throws BadRequest (HTTP 400 envelope) when a mutation has more than 5 top-level fields. */
export function checkMutationFieldCount(doc: DocumentNode, operationName: string | undefined): void {
  const op = findOperation(doc, operationName);
  if (!op || op.operation !== 'mutation') return;
  const n = countTopLevel(op.selectionSet, fragmentsOf(doc), new Set());
  if (n > MAX_MUTATION_FIELDS) throw new ApiError('BadRequest', 'BadRequest', `too many mutation fields in one request: got ${n}, limit is ${MAX_MUTATION_FIELDS}`);
}

function limitError(message: string, reason: string): GraphQLError {
  return new GraphQLError(message, { extensions: { errorName: 'BadRequest', reason } });
}

/**
 * Depth (fragments expanded) and alias count of every operation; a fragment cycle stops the
 * walk (validation reports it). Returns the errors, empty when within the caps.
 */
export function checkQueryCost(doc: DocumentNode): GraphQLError[] {
  const fragments = fragmentsOf(doc);
  let aliases = 0;
  let deepest = 0;
  let visited = 0;
  const walk = (set: SelectionSetNode, depth: number, visiting: Set<string>): void => {
    visited += set.selections.length;
    if (visited > MAX_SELECTIONS) return;
    if (depth > MAX_DEPTH) {
      deepest = depth;
      return;
    }
    deepest = Math.max(deepest, depth);
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) aliases++;
        if (sel.selectionSet) walk(sel.selectionSet, depth + 1, visiting);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth, visiting);
      } else {
        const f = fragments.get(sel.name.value);
        if (!f || visiting.has(f.name.value)) continue;
        visiting.add(f.name.value);
        walk(f.selectionSet, depth, visiting);
        visiting.delete(f.name.value);
      }
      if (aliases > MAX_ALIASES || deepest > MAX_DEPTH || visited > MAX_SELECTIONS) return;
    }
  };
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 1, new Set());
  const errors: GraphQLError[] = [];
  if (deepest > MAX_DEPTH) errors.push(limitError(`query is too deep: the limit is ${MAX_DEPTH} levels of selections`, 'QueryDepthLimitExceeded'));
  if (visited > MAX_SELECTIONS) errors.push(limitError(`query is too large: more than ${MAX_SELECTIONS} selections with fragments expanded`, 'QuerySizeLimitExceeded'));
  if (aliases > MAX_ALIASES) errors.push(limitError(`query has too many aliases: the limit is ${MAX_ALIASES}`, 'QueryAliasLimitExceeded'));
  return errors;
}
