/** How serious one doctor finding is: a `problem` makes `parley-server doctor` exit 1. */
export type Severity = 'ok' | 'warning' | 'problem';

/** One result of `parley-server doctor`, in plain words for the operator. */
export interface Finding {
  severity: Severity;
  /** What was checked: `data folder`, `TLS certificate`, `Redis`, … */
  subject: string;
  message: string;
}

/** Shorthands for building findings. */
export const ok = (subject: string, message: string): Finding => ({
  severity: 'ok',
  subject,
  message,
});
export const warning = (subject: string, message: string): Finding => ({
  severity: 'warning',
  subject,
  message,
});
export const problem = (subject: string, message: string): Finding => ({
  severity: 'problem',
  subject,
  message,
});
