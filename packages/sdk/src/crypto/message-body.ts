/**
 * What travels inside an encrypted message, by content type. Edits, reactions and deletions are
 * ordinary encrypted messages whose body names the `target` message, so the server sees neither
 * what changed nor which message a reaction is for.
 */
import { isAttachmentDescriptor } from './attachment-descriptor.js';
import type { AttachmentDescriptor } from './attachment-descriptor.js';
import { isB64uOfLength } from './binding.js';

/** The body of each content type. */
export interface MessageBodies {
  /** A plain chat message. */
  readonly text: { readonly text: string };
  /** Replaces the text of `target` (a msgId of the same sender). */
  readonly edit: { readonly target: string; readonly text: string };
  /** Adds (or with `remove: true` withdraws) a reaction to `target`. */
  readonly reaction: { readonly target: string; readonly emoji: string; readonly remove?: boolean };
  /** Deletes `target` (a msgId of the same sender, or any message for an admin). */
  readonly delete: { readonly target: string };
  /** A file: its key, hash and size travel here, the ciphertext separately. */
  readonly attachment: { readonly attachment: AttachmentDescriptor; readonly text?: string };
}

/** A message content type. */
export type MessageCtype = keyof MessageBodies;

/** Every {@link MessageCtype}. */
export const MESSAGE_CTYPES: readonly MessageCtype[] = [
  'text',
  'edit',
  'reaction',
  'delete',
  'attachment',
];

/** Longest text in a message body, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 64 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOnly(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((k) => keys.includes(k));
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT_LENGTH;
const isTarget = (v: unknown): v is string => isB64uOfLength(v, 16);

/** True if `value` is a valid body for `ctype`. Unknown fields are refused. */
export function isMessageBody<C extends MessageCtype>(
  ctype: C,
  value: unknown,
): value is MessageBodies[C] {
  if (!isRecord(value)) return false;
  switch (ctype) {
    case 'text':
      return hasOnly(value, ['text']) && isText(value.text);
    case 'edit':
      return hasOnly(value, ['target', 'text']) && isTarget(value.target) && isText(value.text);
    case 'reaction':
      return (
        hasOnly(value, ['target', 'emoji', 'remove']) &&
        isTarget(value.target) &&
        typeof value.emoji === 'string' &&
        value.emoji.length > 0 &&
        value.emoji.length <= 64 &&
        (value.remove === undefined || typeof value.remove === 'boolean')
      );
    case 'delete':
      return hasOnly(value, ['target']) && isTarget(value.target);
    case 'attachment':
      return (
        hasOnly(value, ['attachment', 'text']) &&
        isAttachmentDescriptor(value.attachment) &&
        (value.text === undefined || isText(value.text))
      );
    default:
      return false;
  }
}
