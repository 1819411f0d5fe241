import { ApiError } from '../api/client';
import type { Language } from '../i18n';

/** A server problem laid out for a form: texts on the fields the form has, the rest for a message. */
export interface FormProblems {
  fields: { name: string; errors: string[] }[];
  /** What no field of the form can show (the problem's own sentence when nothing else is left). */
  rest: string[];
}

/**
 * Spread a problem+json answer over a form. `/body/username` goes to the field `username`, `/body/grids/2` to
 * `grids`; the server's texts start with the pointer ("/body/username：…"), which a person does not need.
 * A conflict on a username (409 duplicate_username) has no field list, but belongs on the username too.
 */
export function formProblems(
  error: unknown,
  formFields: readonly string[],
  language: Language,
): FormProblems {
  if (!(error instanceof ApiError) || !error.problem) return { fields: [], rest: [] };
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const problem of error.problem.errors ?? []) {
    const text = (language === 'en' ? problem.en : problem.zh) || problem.field;
    const name = /^\/body\/([^/]+)/.exec(problem.field)?.[1];
    if (name && formFields.includes(name)) {
      const short = text.replace(/^\/body\/[^\s：:]*\s*[：:]\s*/, '');
      byField.set(name, [...(byField.get(name) ?? []), short]);
    } else {
      rest.push(text);
    }
  }
  if (error.problem.code === 'duplicate_username' && formFields.includes('username')) {
    byField.set('username', [language === 'en' ? error.problem.en : error.problem.zh]);
  }
  return { fields: [...byField].map(([name, errors]) => ({ name, errors })), rest };
}
