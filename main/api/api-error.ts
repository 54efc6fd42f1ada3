// An error meant for the user: its message is shown as is in the UI (never a stack trace).
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }

  static fromZod(error: z.ZodError, what = 'request'): ApiError {
    const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const first = issues[0];
    return new ApiError(`invalid ${what}: ${first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'rejected'}`, issues);
  }
}
