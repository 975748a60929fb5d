import { Router } from 'express';
import type { Request, Response } from 'express';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { ErrorCode } from '@parley/sdk/protocol';
import { HTTP_STATUS_BY_CODE } from '@parley/sdk/protocol';
import type { ZodType, z } from 'zod';
import { ApiError } from './api-error.js';
import { errorBodySchema } from './schemas.js';

/** Who is calling an authenticated route. */
export interface AuthContext {
  userId: string;
  sessionId: string;
}

/** Turns a request into its caller, or throws `ApiError('unauthorized' | 'token_expired')`. */
export type Authenticator = (req: Request) => Promise<AuthContext>;

/** A route, described once: the same schemas validate requests and write the OpenAPI document. */
export interface RouteSpec<
  B extends ZodType | undefined = ZodType | undefined,
  P extends ZodType | undefined = ZodType | undefined,
  Q extends ZodType | undefined = ZodType | undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Relative to `/api/v1`, Express style: `/auth/sessions/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** Require a valid access token (`Authorization: Bearer`). */
  auth: boolean;
  body?: B;
  params?: P;
  query?: Q;
  /**
   * A non-JSON body the handler streams from `req` itself (uploads): documented as binary of
   * this content type, never parsed or buffered by the API layer.
   */
  rawBody?: { contentType: string; description: string };
  response: {
    status: number;
    schema?: ZodType;
    description?: string;
    /** A binary response of this content type (the handler writes it to `res`). */
    binary?: string;
  };
  /** Further success statuses for the document, e.g. 206 for a range. */
  alsoResponds?: Array<{ status: number; description: string; binary?: string }>;
  /** Error codes the route can answer with, for the document. */
  errors?: ErrorCode[];
}

type Infer<T> = T extends ZodType ? z.infer<T> : undefined;

/** What a handler receives: validated input and the caller. */
export interface RouteContext<B = unknown, P = unknown, Q = unknown> {
  req: Request;
  res: Response;
  body: B;
  params: P;
  query: Q;
  /** Set on routes with `auth: true`. */
  auth: AuthContext | undefined;
  ip: string;
  userAgent: string | null;
}

/** Registers routes on an Express router and in the OpenAPI registry at once. */
export interface Api {
  readonly router: Router;
  readonly registry: OpenAPIRegistry;
  route<
    B extends ZodType | undefined = undefined,
    P extends ZodType | undefined = undefined,
    Q extends ZodType | undefined = undefined,
  >(
    spec: RouteSpec<B, P, Q>,
    handler: (ctx: RouteContext<Infer<B>, Infer<P>, Infer<Q>>) => Promise<unknown>,
  ): void;
}

/** Options of {@link createApi}. */
export interface CreateApiOptions {
  /** Resolves the caller of `auth: true` routes. */
  authenticate: Authenticator;
  /** Registry to describe routes in; a fresh one by default. */
  registry?: OpenAPIRegistry;
}

function parse<T extends ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = path ? `${where}.${path}` : where;
  throw new ApiError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, { field });
}

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function describeRoute(registry: OpenAPIRegistry, spec: RouteSpec): void {
  const binary = (type: string) => ({
    content: { [type]: { schema: { type: 'string', format: 'binary' } } },
  });
  const responses: Record<string, object> = {
    [spec.response.status]: {
      description: spec.response.description ?? 'Success',
      ...(spec.response.schema
        ? { content: { 'application/json': { schema: spec.response.schema } } }
        : {}),
      ...(spec.response.binary ? binary(spec.response.binary) : {}),
    },
  };
  for (const extra of spec.alsoResponds ?? []) {
    responses[extra.status] = {
      description: extra.description,
      ...(extra.binary ? binary(extra.binary) : {}),
    };
  }
  const codes = new Set<ErrorCode>(['invalid_input', ...(spec.errors ?? [])]);
  if (spec.auth) codes.add('unauthorized');
  for (const code of codes) {
    const status = HTTP_STATUS_BY_CODE[code];
    const existing = responses[status] as { description: string } | undefined;
    responses[status] = {
      description: existing ? `${existing.description}, ${code}` : code,
      content: { 'application/json': { schema: errorBodySchema } },
    };
  }
  registry.registerPath({
    method: spec.method,
    path: `/api/v1${toOpenApiPath(spec.path)}`,
    summary: spec.summary,
    tags: spec.tags,
    ...(spec.auth ? { security: [{ bearerAuth: [] }] } : {}),
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body
        ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
        : {}),
      ...(spec.rawBody
        ? {
            body: {
              required: true,
              description: spec.rawBody.description,
              content: {
                [spec.rawBody.contentType]: { schema: { type: 'string', format: 'binary' } },
              },
            },
          }
        : {}),
    },
    responses: responses as never,
  });
}

/**
 * Creates the `/api/v1` router. Each `route()` validates params, query and body with its zod
 * schemas (400 `invalid_input` naming the field), authenticates when asked, and answers with the
 * handler's value as JSON, so input checks cannot be forgotten and the document cannot drift.
 */
export function createApi(options: CreateApiOptions): Api {
  const router = Router();
  const registry = options.registry ?? new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  return {
    router,
    registry,
    route(spec, handler) {
      describeRoute(registry, spec as RouteSpec);
      router[spec.method](spec.path, async (req, res, next) => {
        try {
          const auth = spec.auth ? await options.authenticate(req) : undefined;
          const params = spec.params ? parse(spec.params, req.params, 'params') : undefined;
          const query = spec.query ? parse(spec.query, req.query, 'query') : undefined;
          const body = spec.body ? parse(spec.body, req.body, 'body') : undefined;
          const result = await handler({
            req,
            res,
            body: body as never,
            params: params as never,
            query: query as never,
            auth,
            ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
            userAgent: req.get('user-agent')?.slice(0, 256) ?? null,
          });
          if (res.headersSent) return;
          if (spec.response.status === 204 || result === undefined) {
            res.status(spec.response.status).end();
          } else {
            res.status(spec.response.status).json(result);
          }
        } catch (err) {
          next(err);
        }
      });
    },
  };
}
