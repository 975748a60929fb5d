import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Express, Request } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './app-context.js';
import { createApi } from './http/api.js';
import { errorMiddleware, notFoundHandler } from './http/error-middleware.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { httpMetricsMiddleware } from './observability/metrics.js';
import { createAuthenticator, registerAuthRoutes } from './auth/index.js';
import { registerConversationRoutes } from './conversations/index.js';
import { registerDirectoryRoutes } from './directory/index.js';
import { registerFileRoutesAndMetrics } from './files/index.js';
import { registerHistoryRoutes } from './messages/index.js';
import { SERVER_VERSION } from './version.js';
import { widgetAssets } from './widget/widget-assets.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
// The folder only: importing `swagger-ui-dist` itself would load (and keep in memory) its
// 1.4 MB browser bundle in the server process, for nothing.
const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Lifecycle state read by `/ready`. */
export interface Readiness {
  state: 'starting' | 'ready' | 'draining';
}

function corsOrigin(allowed: readonly string[]) {
  const set = new Set(allowed);
  return (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void) => {
    // Requests without Origin (same-origin navigations, curl, Node clients) are not CORS requests.
    cb(null, origin === undefined || set.has(origin));
  };
}

/** Options of {@link createApp} that are not configuration. */
export interface AppOptions {
  /** Folder of the widget bundle; see `ServerOptions.widgetDir`. */
  widgetDir?: string;
}

/** Builds the Express application: headers, logging, metrics, health, the API and its document. */
export function createApp(
  ctx: AppContext,
  readiness: Readiness,
  options: AppOptions = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id =
          typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Bodies are never logged; URLs of the API carry no secrets by design.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );
  app.use(httpMetricsMiddleware(ctx.metrics));
  app.use(
    helmet({
      strictTransportSecurity: ctx.config.tlsCert ? { maxAge: 31_536_000 } : false,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: ctx.config.tlsCert ? [] : null,
        },
      },
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', (_req, res) => {
    res.status(readiness.state === 'ready' ? 200 : 503).json({ status: readiness.state });
  });
  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  const api = createApi({ authenticate: createAuthenticator(ctx) });
  registerAuthRoutes(api, ctx, ctx.cluster ? { limiterFactory: ctx.cluster.counters } : {});
  registerDirectoryRoutes(api, ctx);
  registerConversationRoutes(api, ctx);
  registerHistoryRoutes(api, ctx);
  registerFileRoutesAndMetrics(api, ctx);
  app.use(
    '/api/v1',
    cors({ origin: corsOrigin(ctx.config.allowedOrigins), maxAge: 600 }),
    express.json({ limit: ctx.config.maxJsonBytes, strict: true }),
    api.router,
  );

  let document: object | undefined;
  app.get('/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(api.registry, { version: SERVER_VERSION });
    res.json(document);
  });
  app.get('/docs', (req: Request, res, next) => {
    if (req.path === '/docs') res.redirect(301, '/docs/');
    else next();
  });
  app.use('/docs/assets', express.static(SWAGGER_UI_DIR, { index: false }));
  // The <chat-widget> script-tag bundle from @parley/widgets (built before the server).
  app.use(widgetAssets(options.widgetDir ? { dir: options.widgetDir } : {}));
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', extensions: ['html'] }));

  app.use(notFoundHandler);
  app.use(errorMiddleware(ctx.logger));
  return app;
}
