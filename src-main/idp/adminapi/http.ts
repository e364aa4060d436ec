/**
 * `/_api/admin/graphql` (and `/graphql`), spec admin-api.md 1 and 11, checks in this order:
 * admin JWT → content type → body → parse (500 quirk) → mutation fan-out (400) → depth and
 * alias caps → validation → execution. A mutation document runs in one transaction, rolled back
 * whole when any field fails; effects outside the database run only after it committed.
 */
import { randomBytes } from 'node:crypto';
import { Kind, parse, validate, execute, specifiedRules, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json, text, html } from '../http/types';
import { ApiError } from '../errors';
import { authenticateAdminRequest } from './auth';
import { adminApiHeaders } from './headers';
import { adminApiSchema, adminApiExecutionSchema } from './schema';
import { checkMutationFieldCount, checkQueryCost, findOperation } from './limits';
import { formatError, rewriteLiteralErrors } from './graphql-errors';
import { Prepared, NeedsAsyncWork, type AdminRequest } from './request';

/** Rounds of "do the async work, run again" one document may need (one per mutation field at most). */
const MAX_RUNS = 8;

interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function envelope(e: ApiError): HttpResult {
  return json(e.status, e.toJSON(), adminApiHeaders());
}

/** The body as upstream reads it: JSON (variables may be a JSON string) or a bare GraphQL document. */
function readBody(req: HttpRequest): GraphQLRequest | HttpResult {
  const contentType = req.headers['content-type'];
  const [media, ...params] = (contentType ?? '').toLowerCase().split(';').map((s) => s.trim());
  const charsetOk = params.every((p) => !p.startsWith('charset=') || ['charset=utf-8', 'charset=utf8'].includes(p));
  if (contentType !== undefined && (!['application/json', 'application/graphql'].includes(media) || !charsetOk)) {
    return text(415, `invalid content type: ${contentType}`, adminApiHeaders());
  }
  if (media === 'application/graphql') return { query: typeof req.body === 'string' ? req.body : '' };
  const body = req.body;
  if (body === undefined || body === null) return { query: '' };
  if (typeof body !== 'object' || Array.isArray(body)) return envelope(new ApiError('BadRequest', 'InvalidJSON', 'request body must be a JSON object'));
  const b = body as Record<string, unknown>;
  let variables = b.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      return envelope(new ApiError('BadRequest', 'InvalidJSON', 'variables is not valid JSON'));
    }
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return envelope(new ApiError('BadRequest', 'InvalidJSON', 'variables must be a JSON object'));
  }
  return {
    query: typeof b.query === 'string' ? b.query : '',
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: typeof b.operationName === 'string' && b.operationName !== '' ? b.operationName : undefined,
  };
}

function respond(result: ExecutionResult | { data: null; errors: readonly GraphQLError[] }): HttpResult {
  const body: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  return json(200, body, adminApiHeaders());
}

class Rollback {
  constructor(readonly result: ExecutionResult) {}
}

/** Introspection runs on the published schema so it shows upstream's exact types. */
function asksIntrospection(doc: DocumentNode, gql: GraphQLRequest): boolean {
  const op = findOperation(doc, gql.operationName);
  return Boolean(op?.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type')));
}

function runSync(rc: AdminRequest, doc: DocumentNode, gql: GraphQLRequest): ExecutionResult {
  const schema = asksIntrospection(doc, gql) ? adminApiSchema() : adminApiExecutionSchema();
  const result = execute({ schema, document: doc, variableValues: gql.variables, operationName: gql.operationName, contextValue: rc, rootValue: {} });
  // Every resolver is synchronous so the whole document fits in one transaction.
  if (result instanceof Promise) throw new Error('admin API resolvers must be synchronous');
  return result;
}

const needsAsync = (r: ExecutionResult) => r.errors?.some((e) => e.originalError instanceof NeedsAsyncWork) ?? false;

/** Runs a mutation document in one transaction; any error rolls back every field's changes. */
async function runMutation(rc: AdminRequest, doc: DocumentNode, gql: GraphQLRequest): Promise<ExecutionResult> {
  for (let run = 1; ; run++) {
    rc.afterCommit.length = 0;
    let result: ExecutionResult;
    try {
      result = await rc.ctx.store.db.write(() => {
        const r = runSync(rc, doc, gql);
        if (r.errors?.length) throw new Rollback(r);
        return r;
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
      result = e.result;
    }
    if (!needsAsync(result) || !rc.prepared.hasPending || run >= MAX_RUNS) {
      if (!result.errors?.length) for (const effect of rc.afterCommit) effect();
      return result;
    }
    await rc.prepared.runPending();
  }
}

/** What GET shows: upstream's GraphiQL page (the sandbox console has its own GraphiQL view). */
function graphiqlPage(): HttpResult {
  const nonce = randomBytes(16).toString('base64');
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL: Admin API - Authgear</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css">
</head>
<body style="margin:0;height:100vh">
<div id="graphiql" style="height:100vh"></div>
<script nonce="${nonce}" src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
<script nonce="${nonce}" src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
<script nonce="${nonce}" src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
<script nonce="${nonce}">
  const token = sessionStorage.getItem('admin-token') || prompt('Admin API token (JWT)') || '';
  sessionStorage.setItem('admin-token', token);
  const fetcher = GraphiQL.createFetcher({ url: location.pathname, headers: { Authorization: 'Bearer ' + token } });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher }));
</script>
</body>
</html>
`;
  return html(200, page, adminApiHeaders(nonce));
}

export async function handleAdminGraphQL(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const auth = await authenticateAdminRequest(ctx, req);
  let gql: GraphQLRequest;
  if (req.method === 'GET') {
    // Sandbox extension: GET ?query= runs a query (never a mutation); otherwise the GraphiQL page.
    if (!req.query.query) return graphiqlPage();
    let variables: Record<string, unknown> | undefined;
    if (req.query.variables) {
      try {
        variables = JSON.parse(req.query.variables);
      } catch {
        return envelope(new ApiError('BadRequest', 'InvalidJSON', 'variables is not valid JSON'));
      }
    }
    gql = { query: req.query.query, variables, operationName: req.query.operationName || undefined };
  } else {
    const body = readBody(req);
    if ('status' in body) return body;
    gql = body;
  }

  let doc: DocumentNode;
  try {
    doc = parse(gql.query);
  } catch {
    // Upstream pre-parses the document to count mutation fields and wraps the parse error.
    return envelope(new ApiError('InternalError', 'UnexpectedError', 'unexpected error occurred'));
  }
  try {
    checkMutationFieldCount(doc, gql.operationName);
  } catch (e) {
    if (e instanceof ApiError) return envelope(e);
    throw e;
  }
  const costErrors = checkQueryCost(doc);
  if (costErrors.length) return respond({ data: null, errors: costErrors });
  const validationErrors = validate(adminApiSchema(), doc, specifiedRules);
  if (validationErrors.length) return respond({ data: null, errors: rewriteLiteralErrors(doc, validationErrors) });

  const op = findOperation(doc, gql.operationName);
  if (req.method === 'GET' && op?.operation === 'mutation') {
    return envelope(new ApiError('BadRequest', 'BadRequest', 'mutations must be sent with POST'));
  }
  const rc: AdminRequest = {
    ctx,
    req,
    auth,
    from: { triggeredBy: 'admin_api', ip: req.ip, userAgent: req.headers['user-agent'] ?? null, auditContext: auth.auditContext ?? null },
    prepared: new Prepared(ctx),
    afterCommit: [],
  };
  if (op?.operation === 'mutation') return respond(await runMutation(rc, doc, gql));
  return respond(runSync(rc, doc, gql));
}
