/** A unique index refused the write: for us, a lost race or a repeat, decided by the database. */
export function isDuplicateKeyError(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}
