import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--_color-surface);
    --thread-padding: var(--_spacing);
  }
  .log {
    flex: 1 1 auto;
    min-height: 0;
    overflow-y: auto;
    overflow-anchor: none;
    padding-block: var(--thread-padding);
    display: flex;
    flex-direction: column;
  }
  :host([dragging]) .log {
    outline: 2px dashed var(--_color-accent);
    outline-offset: -4px;
  }
  .log > :first-child {
    margin-top: auto;
  }
  .day,
  .marker,
  .edge {
    margin: 8px 0;
    font-size: 0.8em;
    color: var(--_color-text-muted);
    text-align: center;
  }
  .day span {
    padding: 2px 10px;
    border-radius: 999px;
    background: var(--_color-surface-alt);
  }
  .marker {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--_color-danger);
    font-weight: 600;
  }
  .marker::before,
  .marker::after {
    content: '';
    flex: 1;
    border-top: 1px solid currentColor;
  }
  chat-message:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: -2px;
  }
  .empty {
    margin: auto;
    padding: calc(var(--_spacing) * 2);
    color: var(--_color-text-muted);
    text-align: center;
  }
`;
