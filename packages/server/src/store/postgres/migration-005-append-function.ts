import type { PgMigration } from './migrations.js';

/**
 * `parley_append_messages`: the whole group commit of `Store.appendMessages` in one statement.
 * The per-message rules are those of the SQLite store (membership, idempotency on
 * `(sender, client_msg_id)`, the epoch gate, message-id uniqueness, `seq` from the
 * conversation's counter row, epoch counts, the sender's read cursor, redaction hints); run
 * server-side they cost one network round trip per batch instead of several per message, and
 * the statement is its own transaction. The conversations of the batch are locked first, in id
 * order, exactly as the client-side version did.
 *
 * Returns one row per input, `idx` 1-based, with `status` 'stored' | 'duplicate' | 'rejected'.
 */
export const PG_MIGRATION_005_APPEND_FUNCTION: PgMigration = {
  version: 5,
  name: 'server-side group commit of messages',
  sql: `
    CREATE FUNCTION parley_append_messages(
      p_conv text[], p_sender text[], p_client_msg_id text[], p_msg_id text[],
      p_epoch_id text[], p_data text[], p_box bytea[], p_sig bytea[], p_now bigint[],
      p_counts boolean[], p_redacts text[])
    RETURNS TABLE (idx integer, status text, reason text, out_seq integer, out_msg_id text,
      out_ts bigint)
    LANGUAGE plpgsql AS $fn$
    #variable_conflict use_column
    DECLARE
      o record;
      g record;
      v_seq integer;
      v_total integer;
    BEGIN
      PERFORM 1 FROM conversations WHERE id = ANY (p_conv) ORDER BY id FOR UPDATE;
      FOR i IN 1 .. coalesce(array_length(p_conv, 1), 0) LOOP
        idx := i; status := 'rejected'; reason := NULL;
        out_seq := NULL; out_msg_id := NULL; out_ts := NULL;
        IF NOT EXISTS (SELECT 1 FROM members m
                       WHERE m.conv_id = p_conv[i] AND m.user_id = p_sender[i]) THEN
          reason := 'not_member'; RETURN NEXT; CONTINUE;
        END IF;
        SELECT e.conv_id, e.msg_id, e.seq, e.ts INTO o FROM events e
          WHERE e.sender = p_sender[i] AND e.client_msg_id = p_client_msg_id[i];
        IF FOUND THEN
          IF o.conv_id = p_conv[i] THEN
            status := 'duplicate'; out_seq := o.seq; out_msg_id := o.msg_id; out_ts := o.ts;
          ELSE
            reason := 'client_msg_id_reused';
          END IF;
          RETURN NEXT; CONTINUE;
        END IF;
        SELECT p.member_log_seq, c.last_departure_seq INTO g FROM epochs p
          JOIN conversations c ON c.id = p.conv_id
          WHERE p.conv_id = p_conv[i] AND p.epoch_id = p_epoch_id[i];
        IF NOT FOUND THEN reason := 'unknown_epoch'; RETURN NEXT; CONTINUE; END IF;
        IF g.member_log_seq < g.last_departure_seq THEN
          reason := 'stale_epoch'; RETURN NEXT; CONTINUE;
        END IF;
        IF EXISTS (SELECT 1 FROM events e WHERE e.conv_id = p_conv[i] AND e.msg_id = p_msg_id[i]) THEN
          reason := 'msg_id_taken'; RETURN NEXT; CONTINUE;
        END IF;
        UPDATE conversations c SET last_seq = c.last_seq + 1, last_event_at = p_now[i],
            unread_total = c.unread_total + CASE WHEN p_counts[i] THEN 1 ELSE 0 END
          WHERE c.id = p_conv[i] RETURNING c.last_seq, c.unread_total INTO v_seq, v_total;
        INSERT INTO events (conv_id, seq, kind, sender, ts, data, sig, box, msg_id,
            client_msg_id, epoch_id, member_seq, counted, unread_no)
          VALUES (p_conv[i], v_seq, 'message', p_sender[i], p_now[i], p_data[i], p_sig[i],
            p_box[i], p_msg_id[i], p_client_msg_id[i], p_epoch_id[i], NULL, p_counts[i], v_total);
        UPDATE epochs p SET msg_count = p.msg_count + 1
          WHERE p.conv_id = p_conv[i] AND p.epoch_id = p_epoch_id[i];
        UPDATE read_cursors r SET read_seq = v_seq,
            delivered_seq = GREATEST(r.delivered_seq, v_seq), read_no = v_total
          WHERE r.conv_id = p_conv[i] AND r.user_id = p_sender[i] AND r.read_seq < v_seq;
        IF p_redacts[i] IS NOT NULL THEN
          UPDATE events e SET redacted = true WHERE e.conv_id = p_conv[i]
            AND e.msg_id = p_redacts[i] AND e.kind = 'message' AND e.counted AND NOT e.redacted
            AND (e.sender = p_sender[i] OR EXISTS (SELECT 1 FROM members m
              WHERE m.conv_id = p_conv[i] AND m.user_id = p_sender[i] AND m.is_admin));
        END IF;
        status := 'stored'; out_seq := v_seq; out_msg_id := p_msg_id[i]; out_ts := p_now[i];
        RETURN NEXT;
      END LOOP;
    END
    $fn$;
  `,
};
