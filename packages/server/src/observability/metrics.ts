import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';

/** The server's Prometheus metrics, in a registry of its own (several servers may share a process). */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  authFailures: Counter<'reason'>;
  rateLimitHits: Counter<'limiter'>;
}

/** Creates the registry with Node's default metrics (event-loop lag, memory, GC) and ours. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: 'parley_',
    eventLoopMonitoringPrecision: 20,
  });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'parley_auth_failures_total',
      help: 'Failed authentications by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    rateLimitHits: new Counter({
      name: 'parley_rate_limit_hits_total',
      help: 'Requests refused by a rate limiter',
      labelNames: ['limiter'],
      registers: [registry],
    }),
  };
}

/** Times every request; labels use the route pattern, never the raw URL (unbounded cardinality). */
export function httpMetricsMiddleware(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const pattern = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route: pattern, status: String(res.statusCode) });
    });
    next();
  };
}
