import type { UnlockedAccount } from '../auth/account-keys.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Directory } from '../directory/directory.js';
import type { TrustManager } from '../directory/trust-manager.js';
import type { Emitter } from '../emitter.js';
import type { RestClient } from '../rest/rest-client.js';
import type { ChatClientEvents, CurrentUser } from '../types.js';

/**
 * What the conversation modules share for one signed-in session. Built when the user signs
 * in and dropped when they sign out, so nothing here outlives the session's keys.
 */
export interface ConversationContext {
  readonly rest: RestClient;
  readonly provider: CryptoProvider;
  /** The unlocked keys (zeroed on sign-out: check {@link ConversationContext.active}). */
  readonly account: UnlockedAccount;
  readonly me: CurrentUser;
  readonly directory: Directory;
  readonly trust: TrustManager;
  readonly events: Emitter<ChatClientEvents>;
  readonly now: () => number;
  /** False once the session ended: work in flight must stop instead of using wiped keys. */
  active(): boolean;
  /**
   * The user id and identity seed to sign with, read at the moment of signing.
   *
   * @throws ChatError `unauthorized` once the session ended (its keys are being wiped).
   */
  signer(): { readonly userId: string; readonly identitySeed: Uint8Array };
}

/** The `/conversations/:id` path prefix, with the id escaped. */
export function conversationPath(id: string, rest = ''): string {
  return `/conversations/${encodeURIComponent(id)}${rest}`;
}
