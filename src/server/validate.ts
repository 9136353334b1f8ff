import type * as z from 'zod';
import { InvalidRequestError } from '../protocol/errors.js';

/** Parses request input with a schema; an InvalidRequestError (400) names each field and rule, never echoes values. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw new InvalidRequestError(problems.slice(0, 10).join('; '), { fields: parsed.error.issues.slice(0, 10).map((issue) => issue.path.join('.')) });
}
