import { z } from 'zod';
import { MAX_GROUP_MEMBERS } from '@parley/sdk/protocol';

/** Defaults of the conversation settings. */
export const DEFAULT_CONVERSATION_CONFIG = {
  maxGroupMembers: MAX_GROUP_MEMBERS,
  maxKaKeysPerUser: 200,
  pageMaxBytes: 1024 * 1024,
  api: { points: 600, durationSec: 60 },
} as const;

/**
 * Limits of the conversation and directory API (`conversations` in the server configuration).
 * Every field has a default.
 */
export const conversationConfigSchema = z.object({
  /** Largest group, in members. Default 1000 (the protocol's ceiling). */
  maxGroupMembers: z
    .number()
    .int()
    .min(2)
    .max(MAX_GROUP_MEMBERS)
    .default(DEFAULT_CONVERSATION_CONFIG.maxGroupMembers),
  /** Key-agreement keys a user may publish (one per rotation, 30 days apart). Default 200. */
  maxKaKeysPerUser: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_CONVERSATION_CONFIG.maxKaKeysPerUser),
  /**
   * A history page or `sync` answer stops adding events past this many bytes of ciphertext
   * (and says `hasMore`), so one answer never grows to limit × 64 KiB. Default 1 MiB.
   */
  pageMaxBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(DEFAULT_CONVERSATION_CONFIG.pageMaxBytes),
  /** REST calls of these routes per user. Default 600 per minute. */
  api: z
    .object({
      points: z.number().int().positive(),
      durationSec: z.number().int().positive().max(3600),
    })
    .default(DEFAULT_CONVERSATION_CONFIG.api),
});

/** The conversation settings. */
export type ConversationConfig = z.output<typeof conversationConfigSchema>;
