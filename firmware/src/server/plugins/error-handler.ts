import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, toApiError } from '../errors.js';

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Names the field and says why, e.g. `body/amountRial: must be integer`. */
export function describeValidation(context: string | undefined, issue: ValidationIssue): { field: string; reason: string } {
  let path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  let reason = issue.message ?? 'is invalid';
  if (issue.keyword === 'additionalProperties') {
    path = [path, String(issue.params?.additionalProperty)].filter(Boolean).join('.');
    reason = 'is not a known field';
  } else if (issue.keyword === 'required') {
    path = [path, String(issue.params?.missingProperty)].filter(Boolean).join('.');
    reason = 'is required';
  }
  const field = [context ?? 'body', path].filter(Boolean).join('.');
  return { field, reason };
}

/** Every error leaves as `{error: {code, message}}` from the catalogue. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let apiError: ApiError;
    if (error.validation) {
      const issue = describeValidation(error.validationContext, error.validation[0] as ValidationIssue);
      apiError = new ApiError('VALIDATION_FAILED', `${issue.field} ${issue.reason}`, issue);
    } else if (error instanceof ApiError) {
      apiError = error;
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      apiError = new ApiError('PAYLOAD_TOO_LARGE');
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      apiError = new ApiError('UNSUPPORTED_MEDIA_TYPE');
    } else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error.statusCode === 400 && error instanceof SyntaxError)) {
      apiError = new ApiError('BAD_REQUEST', 'The body is not valid JSON.');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && !('code' in error && typeof error.code === 'string' && !error.code.startsWith('FST_'))) {
      apiError = new ApiError('BAD_REQUEST', error.message);
    } else {
      apiError = toApiError(error);
    }
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(apiError.status).send(apiError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new ApiError('ROUTE_NOT_FOUND');
    void reply.status(error.status).send(error.toBody());
  });
}
