/**
 * One family of errors with an HTTP status and a message key in the locale files.
 * Services throw these; the error handler renders them in the user's language.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    /** A key under `errors.` in the locale files (`notFound`), or a whole key (`cohorts.closed`). */
    public readonly messageKey: string,
    message?: string,
  ) {
    super(message ?? messageKey);
    this.name = new.target.name;
  }
}

/** The locale key of an error's message: short keys live under `errors.`, dotted ones are whole keys. */
export function messageKeyOf(messageKey: string): string {
  return messageKey.includes('.') ? messageKey : `errors.${messageKey}`;
}

export class NotFound extends AppError {
  constructor(message?: string) {
    super(404, 'notFound', message);
  }
}

export class Forbidden extends AppError {
  constructor(message?: string) {
    super(403, 'forbidden', message);
  }
}

/** Bad input; `fields` maps a form field to a message key for that field. */
export class Invalid extends AppError {
  constructor(
    public readonly fields: Record<string, string> = {},
    messageKey = 'invalid',
  ) {
    super(400, messageKey);
  }
}

export class Conflict extends AppError {
  constructor(messageKey = 'conflict') {
    super(409, messageKey);
  }
}

export class TooLarge extends AppError {
  constructor(messageKey = 'tooLarge') {
    super(413, messageKey);
  }
}


/** A refusal the user should read, with values for its message (e.g. "wait until {until}"). */
export class Refused extends AppError {
  constructor(
    messageKey: string,
    public readonly params: Record<string, string | number> = {},
    status = 409,
  ) {
    super(status, messageKey);
  }
}
