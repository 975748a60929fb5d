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
  /**
   * A file: its key, hash and size travel here, the ciphertext separately (uploaded under
   * `fileId`). An image may carry a thumbnail, encrypted and uploaded like the file.
   */
  readonly attachment: {
    readonly attachment: AttachmentDescriptor;
    readonly text?: string;
    /** The server's id of the uploaded ciphertext. */
    readonly fileId?: string;
    readonly thumbnail?: ThumbnailBody;
  };
}

/** A thumbnail of an image attachment: a small encrypted image of its own. */
export interface ThumbnailBody {
  readonly attachment: AttachmentDescriptor;
  readonly fileId: string;
  /** Pixel size of the thumbnail. */
  readonly width: number;
  readonly height: number;
}

/** Largest thumbnail side in pixels accepted in a body. */
export const MAX_THUMBNAIL_SIDE = 1024;

const isSide = (v: unknown): boolean =>
  Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= MAX_THUMBNAIL_SIDE;

function isThumbnail(value: unknown): value is ThumbnailBody {
  return (
    isRecord(value) &&
    hasOnly(value, ['attachment', 'fileId', 'width', 'height']) &&
    isAttachmentDescriptor(value.attachment) &&
    isB64uOfLength(value.fileId, 16) &&
    isSide(value.width) &&
    isSide(value.height)
  );
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
        hasOnly(value, ['attachment', 'text', 'fileId', 'thumbnail']) &&
        isAttachmentDescriptor(value.attachment) &&
        (value.text === undefined || isText(value.text)) &&
        (value.fileId === undefined || isB64uOfLength(value.fileId, 16)) &&
        (value.thumbnail === undefined || isThumbnail(value.thumbnail))
      );
    default:
      return false;
  }
}
