import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --bubble-radius: var(--_radius);
    --bubble-max-width: 80%;
  }
  .message {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 2px;
    padding: 2px var(--_spacing);
  }
  :host([mine]) .message {
    align-items: flex-end;
  }
  .sender {
    font-size: 0.8em;
    font-weight: 600;
    color: var(--_color-text-muted);
    padding-inline: 4px;
  }
  .bubble {
    max-width: var(--bubble-max-width);
    padding: 8px 12px;
    border-radius: var(--bubble-radius);
    background: var(--_color-bubble-theirs);
    color: var(--_color-on-bubble-theirs);
    overflow-wrap: anywhere;
  }
  :host([mine]) .bubble {
    background: var(--_color-bubble-mine);
    color: var(--_color-on-bubble-mine);
  }
  .bubble {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .text {
    margin: 0;
    white-space: pre-wrap;
  }
  .text a {
    color: inherit;
    text-decoration: underline;
  }
  .undecryptable {
    margin: 0;
    font-style: italic;
  }
  .bubble.undecryptable-bubble {
    background: transparent;
    color: var(--_color-text-muted);
    border: 1px dashed var(--_color-border);
  }
  .meta {
    display: flex;
    gap: 6px;
    align-items: center;
    font-size: 0.75em;
    color: var(--_color-text-muted);
    padding-inline: 4px;
  }
  .status[data-status='failed'] {
    color: var(--_color-danger);
    font-weight: 600;
  }
  .retry {
    border: 0;
    background: none;
    color: var(--_color-accent);
    text-decoration: underline;
    padding: 2px 4px;
    font-size: inherit;
  }
`;
