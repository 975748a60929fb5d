import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow-y: auto;
    background: var(--_color-surface);
    --avatar-size: 40px;
    --item-active-background: var(--_color-surface-alt);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 4px;
  }
  .item {
    display: grid;
    grid-template-columns: var(--avatar-size) minmax(0, 1fr) auto;
    gap: 10px;
    align-items: center;
    width: 100%;
    padding: 8px;
    border: 0;
    border-radius: 10px;
    background: transparent;
    color: inherit;
    text-align: start;
  }
  .item:hover,
  .item[aria-current='true'] {
    background: var(--item-active-background);
  }
  .avatar {
    display: grid;
    place-items: center;
    width: var(--avatar-size);
    height: var(--avatar-size);
    border-radius: 50%;
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    font-weight: 700;
    text-transform: uppercase;
  }
  .avatar {
    position: relative;
  }
  .presence {
    position: absolute;
    inset-block-end: 0;
    inset-inline-end: 0;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    border: 2px solid var(--_color-surface);
    background: var(--_color-text-muted);
  }
  .presence[data-state='online'] {
    background: #1a7f37;
  }
  .presence[data-state='away'] {
    background: #bf8700;
  }
  .body {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .name,
  .preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .name {
    font-weight: 600;
  }
  .preview,
  .time {
    font-size: 0.85em;
    color: var(--_color-text-muted);
  }
  .aside {
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 4px;
  }
  .unread .name,
  .unread .preview {
    color: var(--_color-text);
    font-weight: 700;
  }
  .empty {
    margin: 0;
    padding: calc(var(--_spacing) * 2);
    color: var(--_color-text-muted);
    text-align: center;
  }
`;
