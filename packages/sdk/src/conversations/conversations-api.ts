import type { RealtimeSession } from '../sync/realtime-session.js';
import type { ConversationOptions, CreateConversationInput } from '../types.js';
import type { Conversation } from './conversation.js';

/**
 * `client.conversations`: finding, creating and listing conversations. Every method needs a
 * signed-in client.
 *
 * @example
 * ```ts
 * const dm = await client.conversations.openDirect('bob'); // the same one from both sides
 * const grp = await client.conversations.create({ title: 'Team', members: ['bob', 'carol'] });
 * for (const c of await client.conversations.list()) console.log(c.title, c.unreadCount);
 * ```
 */
export class Conversations {
  readonly #session: () => Promise<RealtimeSession>;

  /** @internal Made by `ChatClient`. */
  constructor(session: () => Promise<RealtimeSession>) {
    this.#session = session;
  }

  /**
   * The direct conversation with a user (by username or id), created on first use. There is
   * one per pair of users: both sides get the same conversation.
   *
   * @throws ChatError `not_found` (no such user), `forbidden` (their identity key changed and
   *   was not accepted), `invalid_input` (yourself).
   */
  async openDirect(user: string, options: ConversationOptions = {}): Promise<Conversation> {
    const session = await this.#session();
    const peerId = await session.directory.resolveId(user);
    const state = await session.registry.openDirect(peerId, options);
    return session.registry.facade(state.id)!;
  }

  /**
   * Creates a group: you become its admin and the members (by username or id) are added in the
   * same signed log.
   *
   * @throws ChatError `invalid_input` (title), `not_found` (a member), `forbidden` (a member's
   *   identity key changed and was not accepted).
   */
  async create(input: CreateConversationInput): Promise<Conversation> {
    const session = await this.#session();
    const ids: string[] = [];
    for (const member of input.members) ids.push(await session.directory.resolveId(member));
    const state = await session.registry.create(input, ids);
    return session.registry.facade(state.id)!;
  }

  /** The user's conversations from the server, most recently active first. */
  async list(): Promise<Conversation[]> {
    return (await this.#session()).registry.list();
  }

  /**
   * One conversation by id, loaded and verified, with its newest messages.
   *
   * @throws ChatError `not_found` (unknown, or not a member), `decryption_failed` (its
   *   membership log does not verify: the server tampered with it).
   */
  async get(id: string): Promise<Conversation> {
    const session = await this.#session();
    const state = await session.registry.open(id);
    return session.registry.facade(state.id)!;
  }

  /** The conversations known locally (cached or loaded), without asking the server. */
  async cached(): Promise<Conversation[]> {
    const { registry } = await this.#session();
    return registry
      .states()
      .filter((s) => !s.left)
      .map((s) => registry.facade(s.id)!);
  }
}
