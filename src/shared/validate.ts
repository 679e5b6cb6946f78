import type { z } from 'zod';
import { Invalid } from './errors';

/** Parses `data` or throws Invalid naming the bad fields (message keys `errors.field.*`). */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? '_');
    fields[name] ??= 'errors.field.invalid';
  }
  throw new Invalid(fields);
}
