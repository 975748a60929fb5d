/**
 * The stable `code` of a `ChatError` (or any error carrying a string `code`), else
 * `'internal'`. Duck-typed so components need not load the SDK to read it.
 */
export function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string')
    return error.code;
  return 'internal';
}

/** The failing field of an `invalid_input` error, when the server named it. */
export function errorField(error: unknown): string | undefined {
  if (error instanceof Error && 'field' in error && typeof error.field === 'string')
    return error.field;
  return undefined;
}
