/** Which uniqueness rule a write broke. */
export type StoreConstraint = 'user_id' | 'username' | 'ka_key' | 'conversation_id' | 'direct_pair';

/**
 * Thrown by a {@link Store} when a write breaks a uniqueness rule. Implementations translate
 * their driver's error into this, so callers never parse SQLite or PostgreSQL messages.
 */
export class StoreConflictError extends Error {
  /** The rule that was broken. */
  readonly constraint: StoreConstraint;

  /**
   * @param constraint - The rule that was broken.
   * @param options - Optional `cause` (the driver's error).
   */
  constructor(constraint: StoreConstraint, options?: { cause?: unknown }) {
    super(`store conflict: ${constraint} already exists`, options);
    this.name = 'StoreConflictError';
    this.constraint = constraint;
  }
}

/** Narrowing helper for {@link StoreConflictError}. */
export function isStoreConflict(error: unknown): error is StoreConflictError {
  return error instanceof StoreConflictError;
}
