/** A row that cannot become a listing, and why, in words for the import report. */
export class SkipRow extends Error {}

/** A file's value in a reason, cut to a readable length. */
export function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}
