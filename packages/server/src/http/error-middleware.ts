import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '@parley/sdk/protocol';
import type { Logger } from 'pino';
import { ApiError } from './api-error.js';

/** Shape Express and body-parser give their own errors (bad JSON, body too large). */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as HttpishError;
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.too.large' || status === 413)
    return new ApiError('payload_too_large', 'Request body is too large', { cause: err });
  if (e.type === 'entity.parse.failed')
    return new ApiError('invalid_input', 'Request body is not valid JSON', { cause: err });
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported' || status === 415)
    return new ApiError('unsupported_media_type', 'Unsupported content encoding', { cause: err });
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new ApiError('invalid_input', 'Malformed request', { cause: err });
  return new ApiError('internal', 'Internal server error', { cause: err });
}

/**
 * The single error handler: every failure leaves as JSON with a stable code. Unexpected errors are
 * logged with their stack but answered with a generic message, so nothing internal leaks.
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const apiError = toApiError(err);
    if (apiError.code === 'internal') {
      logger.error({ err, reqId: req.id }, 'unhandled error');
    }
    if (apiError.retryAfterMs !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(apiError.retryAfterMs / 1000))));
    }
    const body: ErrorBody = { error: { code: apiError.code, message: apiError.message } };
    if (apiError.field !== undefined) body.error.field = apiError.field;
    if (res.headersSent) return;
    res.status(apiError.status).json(body);
  };
}

/** Unknown routes get a JSON 404 like every other error. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError('not_found', `No route for ${req.method} ${req.path}`));
};
