/** The part of `document` that {@link watchVisibility} uses. */
interface VisibilitySource {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/**
 * Calls `onChange(false)` when the page is hidden (another tab, minimised window, locked
 * screen) and `onChange(true)` when it shows again: the SDK's automatic `away`. Does nothing
 * outside browsers.
 *
 * @param source - Default: the global `document`, if any.
 * @returns A function that stops watching.
 */
export function watchVisibility(
  onChange: (visible: boolean) => void,
  source: VisibilitySource | undefined = (globalThis as { document?: VisibilitySource }).document,
): () => void {
  if (source === undefined || typeof source.addEventListener !== 'function') return () => {};
  const listener = () => onChange(source.visibilityState !== 'hidden');
  source.addEventListener('visibilitychange', listener);
  return () => source.removeEventListener('visibilitychange', listener);
}

/** Whether the page is visible now (always `true` outside browsers). */
export function pageVisible(
  source: VisibilitySource | undefined = (globalThis as { document?: VisibilitySource }).document,
): boolean {
  return source === undefined || source.visibilityState !== 'hidden';
}
