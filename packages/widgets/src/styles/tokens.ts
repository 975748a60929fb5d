import { css, unsafeCSS } from 'lit';

/**
 * The global design tokens, as `--chat-*` custom properties, with their light defaults. Every
 * component reads them through private `--_*` variables, so a host page can set any token on
 * any ancestor (or on the element itself) and `theme="dark"` on `<chat-widget>` or
 * `<chat-provider>` switches the whole set.
 */
export const LIGHT = {
  'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  'font-size': '15px',
  'color-surface': '#ffffff',
  'color-surface-alt': '#f3f4f6',
  'color-text': '#1f2328',
  'color-text-muted': '#59636e',
  'color-border': '#c9d1d9',
  'color-accent': '#0b57d0',
  'color-on-accent': '#ffffff',
  'color-bubble-mine': '#0b57d0',
  'color-on-bubble-mine': '#ffffff',
  'color-bubble-theirs': '#eceff3',
  'color-on-bubble-theirs': '#1f2328',
  'color-danger': '#b3261e',
  'color-warning-surface': '#fff4ce',
  'color-on-warning': '#4d3800',
  'color-focus': '#0b57d0',
  radius: '12px',
  spacing: '8px',
  shadow: '0 8px 24px rgb(0 0 0 / 0.18)',
} as const;

/** Token values of the dark theme (the ones that differ from light). */
export const DARK: Partial<Record<keyof typeof LIGHT, string>> = {
  'color-surface': '#16181d',
  'color-surface-alt': '#23262c',
  'color-text': '#e6e8eb',
  'color-text-muted': '#a4abb5',
  'color-border': '#3d434c',
  'color-accent': '#8ab4f8',
  'color-on-accent': '#0b1a33',
  'color-bubble-mine': '#2b4f87',
  'color-on-bubble-mine': '#ffffff',
  'color-bubble-theirs': '#2c3038',
  'color-on-bubble-theirs': '#e6e8eb',
  'color-danger': '#f2b8b5',
  'color-warning-surface': '#3d3300',
  'color-on-warning': '#ffe08a',
  'color-focus': '#8ab4f8',
  shadow: '0 8px 24px rgb(0 0 0 / 0.6)',
};

/** Names of the global tokens, without the `--chat-` prefix. */
export type TokenName = keyof typeof LIGHT;

const privateVars = Object.entries(LIGHT)
  .map(([name, value]) => `--_${name}: var(--chat-${name}, ${value});`)
  .join('\n');

const darkVars = Object.entries(DARK)
  .map(([name, value]) => `--chat-${name}: ${value};`)
  .join('\n');

/** Shared base of every component: private token variables, box sizing, focus ring. */
export const baseStyles = css`
  :host {
    ${unsafeCSS(privateVars)}
    box-sizing: border-box;
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    color: var(--_color-text);
    line-height: 1.4;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
    }
  }
`;

/**
 * Theme switch for the elements that take a `theme` attribute: `light` (default), `dark`, or
 * `auto` (follows the operating system's `prefers-color-scheme`).
 */
export const themeStyles = css`
  :host([theme='dark']) {
    ${unsafeCSS(darkVars)}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${unsafeCSS(darkVars)}
      color-scheme: dark;
    }
  }
`;

/** Buttons shared by several components. */
export const buttonStyles = css`
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 36px;
    padding: 6px 14px;
    border-radius: 999px;
    border: 1px solid transparent;
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    font-weight: 600;
  }
  .button[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  .button.secondary {
    background: transparent;
    color: var(--_color-text);
    border-color: var(--_color-border);
  }
  .icon-button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 36px;
    min-height: 36px;
    border-radius: 999px;
    border: 1px solid transparent;
    background: transparent;
    color: inherit;
  }
  .icon-button:hover,
  .button.secondary:hover {
    background: var(--_color-surface-alt);
  }
`;
