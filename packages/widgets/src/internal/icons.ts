import { svg } from 'lit';

// Small inline icons (decorative: buttons carry their own labels).
const icon = (path: ReturnType<typeof svg>) =>
  svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;

/** A speech bubble. */
export const chatIcon = icon(
  svg`<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />`,
);
/** A cross. */
export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18" />`);
/** A plus sign. */
export const plusIcon = icon(svg`<path d="M12 5v14M5 12h14" />`);
/** An arrow pointing back (flipped in right-to-left layouts by the caller's CSS). */
export const backIcon = icon(svg`<path d="M15 18l-6-6 6-6" />`);
/** A padlock. */
export const lockIcon = icon(
  svg`<rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" />`,
);
/** A door with an arrow (sign out). */
export const signOutIcon = icon(svg`<path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10" />`);
/** Two people. */
export const membersIcon = icon(
  svg`<circle cx="9" cy="8" r="3" /><path d="M3 20a6 6 0 0 1 12 0M16 5a3 3 0 0 1 0 6M21 20a6 6 0 0 0-4-5.7" />`,
);
/** A paper clip (attach). */
export const attachIcon = icon(
  svg`<path d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7L14 4.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L15.5 7.6" />`,
);
/** A sheet of paper with a folded corner (a file). */
export const fileIcon = icon(svg`<path d="M14 3H6v18h12V7zM14 3v4h4" />`);
/** An arrow into a tray (download). */
export const downloadIcon = icon(svg`<path d="M12 4v11M7 10l5 5 5-5M5 20h14" />`);
