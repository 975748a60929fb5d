import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --form-max-width: 360px;
  }
  form {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_spacing) * 1.5);
    max-width: var(--form-max-width);
    margin-inline: auto;
    padding: calc(var(--_spacing) * 2);
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-weight: 600;
    font-size: 0.9em;
  }
  input {
    font: inherit;
    font-weight: normal;
    padding: 8px 10px;
    border-radius: 8px;
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
  }
  .progress {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 0.9em;
  }
  progress {
    width: 100%;
    accent-color: var(--_color-accent);
  }
  .error {
    margin: 0;
    color: var(--_color-danger);
    font-weight: 600;
  }
  .switch {
    border: 0;
    background: none;
    color: var(--_color-accent);
    text-decoration: underline;
    padding: 4px;
    align-self: center;
  }
`;
