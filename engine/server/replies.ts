// How the API answers: errors as `{error: {code, message, problems}}` with stable codes, CSV as an attachment.
import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../errors.ts';

export interface ApiError {
  readonly error: { readonly code: ErrorCode | 'NOT_FOUND' | 'INTERNAL'; readonly message: string; readonly problems?: readonly string[] };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ApiError['error']['code'],
  message: string,
  problems?: readonly string[],
): FastifyReply {
  const body: ApiError = { error: { code, message, ...(problems ? { problems } : {}) } };
  return reply.code(status).header('cache-control', 'no-store').send(body);
}

export function sendBadRequest(reply: FastifyReply, problems: readonly string[]): FastifyReply {
  return sendError(reply, 400, 'HTTP_BAD_REQUEST', problems.join('; '), problems);
}

export function sendCsv(reply: FastifyReply, filename: string, csv: string): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(csv);
}
