import type { FormInstance } from 'antd';
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

/** A field of an antd form by its full path (`['closingStandards', 0, 'zh']`). */
export type FieldPath = (string | number)[];

/**
 * Spread a problem+json answer over a form with nested fields and lists: `/body/closingStandards/0/zh` lands on
 * the field `['closingStandards', 0, 'zh']` when the form has it, else on the nearest field above it
 * (`['closingStandards']`), else in `rest`. `fieldPaths` are the form's own (form.getFieldsError().map(f => f.name)).
 */
export function nestedFormProblems(
  error: unknown,
  fieldPaths: readonly FieldPath[],
  language: Language,
): { fields: { name: FieldPath; errors: string[] }[]; rest: string[] } {
  if (!(error instanceof ApiError) || !error.problem) return { fields: [], rest: [] };
  const known = new Map(fieldPaths.map((path) => [path.join('/'), path]));
  const byField = new Map<string, { name: FieldPath; errors: string[] }>();
  const rest: string[] = [];
  for (const problem of error.problem.errors ?? []) {
    const text = (language === 'en' ? problem.en : problem.zh) || problem.field;
    const segments = /^\/body\/(.+)$/.exec(problem.field)?.[1]?.split('/') ?? [];
    let target: FieldPath | undefined;
    for (let length = segments.length; length > 0 && !target; length--) {
      target = known.get(segments.slice(0, length).join('/'));
    }
    if (!target) {
      rest.push(text);
      continue;
    }
    const key = target.join('/');
    const short = text.replace(/^\/body\/[^\s：:]*\s*[：:]\s*/, '');
    const entry = byField.get(key) ?? { name: target, errors: [] };
    entry.errors.push(short);
    byField.set(key, entry);
  }
  if (byField.size === 0 && rest.length === 0) rest.push(error.text(language));
  return { fields: [...byField.values()], rest };
}

/** Put a server problem on the fields of an antd form; answers what no field could show. */
export function placeProblems<Values>(
  form: FormInstance<Values>,
  error: unknown,
  language: Language,
): string[] {
  const paths = form.getFieldsError().map((field) => field.name as FieldPath);
  const laid = nestedFormProblems(error, paths, language);
  form.setFields(laid.fields as Parameters<FormInstance<Values>['setFields']>[0]);
  return laid.rest;
}
