import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    background: var(--_color-surface);
    border-top: 1px solid var(--_color-border);
    --composer-max-height: 10em;
  }
  form {
    display: flex;
    gap: var(--_spacing);
    align-items: flex-end;
    padding: var(--_spacing);
  }
  textarea {
    flex: 1;
    min-width: 0;
    min-height: 40px;
    max-height: var(--composer-max-height);
    field-sizing: content;
    resize: none;
    font: inherit;
    padding: 8px 12px;
    border-radius: 20px;
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
  }
  .note {
    margin: 0;
    padding: 0 var(--_spacing) var(--_spacing);
    font-size: 0.85em;
    color: var(--_color-text-muted);
  }
  .error {
    color: var(--_color-danger);
    font-weight: 600;
  }
  .attach {
    flex: none;
    color: var(--_color-text);
  }
  :host([dragging]) form {
    outline: 2px dashed var(--_color-accent);
    outline-offset: -4px;
  }
  .uploads {
    list-style: none;
    margin: 0;
    padding: var(--_spacing) var(--_spacing) 0;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .upload {
    display: flex;
    align-items: center;
    gap: var(--_spacing);
    font-size: 0.9em;
    color: var(--_color-text);
  }
  .upload-name {
    flex: 0 1 auto;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .upload progress {
    flex: 1 1 80px;
    min-width: 60px;
    accent-color: var(--_color-accent);
  }
  .upload-error {
    flex: 1;
    color: var(--_color-danger);
    font-weight: 600;
  }
  .link-button {
    border: 0;
    background: none;
    color: var(--_color-accent);
    text-decoration: underline;
    padding: 2px 4px;
    font: inherit;
  }
`;
