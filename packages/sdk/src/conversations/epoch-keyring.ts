import { decryptFailure } from '../crypto/decrypt-result.js';
import type { DecryptResult } from '../crypto/decrypt-result.js';
import { zeroize } from '../crypto/encoding.js';
import { openEpoch } from '../crypto/epochs.js';
import type { OpenedEpoch } from '../crypto/epochs.js';
import type { EpochSummary } from '../crypto/rotation-policy.js';
import { envelopeList, epochList } from '../protocol/conversations.js';
import type { ConversationSummary, SignedEpochRecordWire } from '../protocol/conversations.js';
import { conversationPath } from './context.js';
import type { ConversationContext } from './context.js';
import type { MemberLog } from './member-log.js';

/** An epoch record as the log holds it: the signed record and the `seq` of its event. */
export interface EpochEntry {
  readonly signed: SignedEpochRecordWire;
  readonly seq: number;
}

/** Opening an epoch: its key, or why it cannot be opened. */
export type EpochOpening = DecryptResult<{ epoch: OpenedEpoch }>;

/**
 * A conversation's epochs (crypto.md §7.7): the signed records, which one is current, how many
 * messages it has carried, and the epoch keys opened so far.
 *
 * Keys are opened lazily, the first time a message needs one, and kept in memory only: each
 * opening fetches the user's own envelope and verifies the record against the membership log
 * (creator signature, member set, envelope hash) before HPKE-opening it. Old epochs stay
 * openable forever, so history reads across any number of rotations.
 */
export class EpochKeyring {
  readonly #ctx: ConversationContext;
  readonly #conv: string;
  readonly #records = new Map<string, EpochEntry>();
  readonly #opened = new Map<string, Promise<EpochOpening>>();
  #currentId: string | null = null;
  // Messages of the current epoch = #base (the server's count at log position #since) plus the
  // distinct messages seen after #since; a set, so an ack and its echo count once.
  #base = 0;
  #since = 0;
  readonly #seen = new Set<string>();

  constructor(ctx: ConversationContext, conv: string) {
    this.#ctx = ctx;
    this.#conv = conv;
  }

  /** The epoch new messages must use, as far as this client knows. */
  get currentId(): string | null {
    return this.#currentId;
  }

  /** Messages the current epoch has carried. */
  get currentCount(): number {
    return this.#base + this.#seen.size;
  }

  /** The record of an epoch, if known. */
  record(epochId: string): EpochEntry | undefined {
    return this.#records.get(epochId);
  }

  /** Takes the current epoch and its count from a fresh conversation summary. */
  snapshot(summary: ConversationSummary): void {
    this.#currentId = summary.currentEpoch?.epochId ?? null;
    this.#base = summary.currentEpoch?.messageCount ?? 0;
    this.#since = summary.lastSeq;
    this.#seen.clear();
  }

  /** Fetches every epoch record of the conversation. */
  async refresh(): Promise<void> {
    const { epochs } = await this.#ctx.rest.request(
      'GET',
      conversationPath(this.#conv, '/epochs'),
      {
        schema: epochList,
      },
    );
    for (const info of epochs) {
      this.#records.set(info.record.epochId, {
        signed: { record: info.record, sig: info.sig },
        seq: info.seq,
      });
    }
  }

  /** An epoch event of the log: a newer one becomes current. */
  noteEpoch(entry: EpochEntry): void {
    this.#records.set(entry.signed.record.epochId, entry);
    const current = this.#currentId === null ? undefined : this.#records.get(this.#currentId);
    if (entry.seq > this.#since && (current === undefined || entry.seq > current.seq)) {
      this.#currentId = entry.signed.record.epochId;
      this.#base = 0;
      this.#since = entry.seq;
      this.#seen.clear();
    }
  }

  /** A message stored at `seq` in `epochId` (from the log or an acknowledgement). */
  noteMessage(epochId: string, msgId: string, seq: number): void {
    if (epochId === this.#currentId && seq > this.#since) this.#seen.add(msgId);
  }

  /** Installs an epoch this client created and the server accepted. */
  install(epoch: OpenedEpoch, entry: EpochEntry): void {
    this.#opened.set(epoch.epochId, Promise.resolve({ ok: true, epoch }));
    this.noteEpoch(entry);
  }

  /**
   * What the rotation policy needs about an epoch, from its record and the log (works for an
   * epoch this user cannot open, e.g. one from before they joined).
   */
  async summary(epochId: string, log: MemberLog): Promise<EpochSummary | undefined> {
    const entry = this.#records.get(epochId);
    if (entry === undefined) return undefined;
    const { record } = entry.signed;
    const members = (await log.at(record.memberLogSeq))?.members ?? [];
    return { createdAt: record.createdAt, memberSetHash: record.memberSetHash, members };
  }

  /**
   * The epoch's key, verified and opened (cached), or why it cannot be: `no_envelope_for_user`
   * (the user was not a member), `epoch_sig_invalid`, `identity_untrusted`, `aead_fail` …
   *
   * @throws ChatError for network failures (nothing is cached then, so a later call retries).
   */
  open(epochId: string, log: MemberLog): Promise<EpochOpening> {
    let opening = this.#opened.get(epochId);
    if (opening === undefined) {
      opening = this.#open(epochId, log);
      this.#opened.set(epochId, opening);
      opening.then(
        (result) => {
          // An untrusted creator may become trusted (accepted change), an unknown epoch may
          // still arrive: only those failures are worth trying again.
          if (!result.ok && (result.reason === 'identity_untrusted' || result.detail === UNKNOWN)) {
            this.#opened.delete(epochId);
          }
        },
        () => this.#opened.delete(epochId),
      );
    }
    return opening;
  }

  /** Zeroes every epoch key held in memory. */
  wipe(): void {
    for (const opening of this.#opened.values()) {
      void opening.then(
        (result) => {
          if (result.ok) zeroize(result.epoch.cek);
        },
        () => undefined,
      );
    }
    this.#opened.clear();
  }

  async #open(epochId: string, log: MemberLog): Promise<EpochOpening> {
    let entry = this.#records.get(epochId);
    if (entry === undefined) {
      await this.refresh();
      entry = this.#records.get(epochId);
      if (entry === undefined) return decryptFailure('invalid_input', UNKNOWN);
    }
    const { record } = entry.signed;
    if (log.current.seq < record.memberLogSeq) await log.catchUp();
    const { envelopes } = await this.#ctx.rest.request(
      'GET',
      conversationPath(this.#conv, `/envelopes?epochId=${encodeURIComponent(epochId)}`),
      { schema: envelopeList },
    );
    const { account, trust } = this.#ctx;
    const mine = envelopes.find((e) => e.epochId === epochId && e.user === account.userId);
    return openEpoch(this.#ctx.provider, {
      signed: entry.signed,
      conv: this.#conv,
      membershipAt: (seq) => log.at(seq),
      isTrusted: (member) => trust.canReadFrom(member),
      envelope:
        mine === undefined
          ? undefined
          : { user: mine.user, kaId: mine.kaId, enc: mine.enc, ct: mine.ct },
      me: { userId: account.userId, kaKeys: account.bundle.kaKeys },
    });
  }
}

const UNKNOWN = 'the epoch is not in the conversation';
