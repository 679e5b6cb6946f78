import { z } from 'zod';
import { Invalid, NotFound } from './errors';

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

/**
 * A form's body as a whole: fields by name. A JSON list or text is refused before any field
 * is read; each field is then parsed by the form's own schema.
 */
export const formBody = z.record(z.string(), z.unknown());

/**
 * A field as typed, to show again beside a form's messages: its text, or empty when it is
 * anything else (a list, an object). Never what is saved: that is the form's parsed value.
 */
export const typedText = z.unknown().optional().transform((v) => (typeof v === 'string' ? v : ''));

/** A record's id in a URL (24 hex digits, as the store makes them). */
export const idParam = z.string().regex(/^[a-f0-9]{24}$/i);

/**
 * Parses a route's params: a param that cannot name a record (`/cohorts/not-an-id`) is a
 * 404, exactly as for a record that does not exist.
 */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) throw new NotFound('no such record');
  return parsed.data;
}

/**
 * A notice flag in the query string after a redirect (`?saved=1`): one of `values`, else
 * null. Anything else (absent, repeated, another value) shows no notice, never an error:
 * the flag only adds a line to a page that is shown anyway.
 */
export function noticeField<const T extends readonly string[]>(...values: T) {
  return z
    .unknown()
    .optional()
    .transform((v): T[number] | null => (typeof v === 'string' && values.includes(v) ? v : null));
}
