import { css } from 'lit';

export const styles = css`
  :host {
    display: contents;
  }
  dialog {
    width: min(420px, calc(100vw - 16px));
    max-height: min(640px, calc(100vh - 16px));
    padding: 0;
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius);
    background: var(--_color-surface);
    color: var(--_color-text);
    box-shadow: var(--_shadow);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.35);
  }
  form {
    display: flex;
    flex-direction: column;
    gap: var(--_spacing);
    padding: calc(var(--_spacing) * 2);
  }
  h2 {
    margin: 0;
    font-size: 1.15em;
  }
  fieldset {
    display: flex;
    gap: 12px;
    margin: 0;
    padding: 0;
    border: 0;
  }
  label.field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-weight: 600;
    font-size: 0.9em;
  }
  input[type='search'],
  input[type='text'] {
    font: inherit;
    font-weight: normal;
    padding: 8px 10px;
    border-radius: 8px;
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    max-height: 220px;
    overflow-y: auto;
  }
  .result {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    width: 100%;
    padding: 6px 8px;
    border: 0;
    border-radius: 8px;
    background: transparent;
    color: inherit;
    text-align: start;
  }
  .result:hover {
    background: var(--_color-surface-alt);
  }
  .result small {
    color: var(--_color-text-muted);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .chip {
    border: 1px solid var(--_color-border);
    border-radius: 999px;
    background: var(--_color-surface-alt);
    color: inherit;
    padding: 2px 10px;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: var(--_spacing);
  }
  .muted {
    margin: 0;
    color: var(--_color-text-muted);
  }
  .error {
    margin: 0;
    color: var(--_color-danger);
    font-weight: 600;
  }
`;
