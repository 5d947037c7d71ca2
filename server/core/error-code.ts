/**
 * Whether an error, or one it wraps as its `cause` (a few levels down), carries a `code`
 * that `matches`: what SQLite, the file system and PostgreSQL say, under whatever our own
 * errors wrapped around them.
 */
export function hasErrorCode(err: unknown, matches: (code: string) => boolean): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && matches(code)) return true;
  }
  return false;
}
