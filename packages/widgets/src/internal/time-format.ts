const DAY = 86_400_000;

/** `HH:MM` (or the locale's equivalent) of an epoch-ms timestamp. */
export function formatTime(ts: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' }).format(ts);
}

/** The local calendar day of a timestamp, as a sortable key (`YYYY-M-D`). */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/**
 * A day label: `today` / `yesterday` (given already localised) or the locale's long date.
 */
export function formatDay(
  ts: number,
  lang: string,
  labels: { today: string; yesterday: string },
  now = Date.now(),
): string {
  if (dayKey(ts) === dayKey(now)) return labels.today;
  if (dayKey(ts) === dayKey(now - DAY)) return labels.yesterday;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(ts);
}

/** A short time for lists: the time today, else the date. */
export function formatShort(ts: number, lang: string, now = Date.now()): string {
  if (dayKey(ts) === dayKey(now)) return formatTime(ts, lang);
  return new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric' }).format(ts);
}
