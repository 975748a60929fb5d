import { z } from 'zod';
import { ERROR_CODES } from '@parley/sdk/protocol';

/** The JSON body of every error, as the OpenAPI document describes it. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    field: z.string().optional(),
  }),
});
