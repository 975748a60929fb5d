import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --widget-width: 380px;
    --widget-height: 600px;
    --launcher-size: 56px;
    --launcher-offset: 20px;
    --list-width: 32%;
  }
  :host([mode='inline']) {
    height: 100%;
    min-height: 420px;
  }
  :host([mode='inbox']) {
    height: 100%;
    min-height: 100dvh;
  }
  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: inherit;
    background: var(--_color-surface);
    color: var(--_color-text);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius);
    overflow: hidden;
    container-type: inline-size;
    container-name: chat;
  }
  :host([mode='inbox']) .panel {
    border-radius: 0;
    border: 0;
  }
  :host([mode='launcher']) .panel {
    position: fixed;
    z-index: 2147483000;
    inset-block-end: calc(var(--launcher-offset) + var(--launcher-size) + 12px);
    inset-inline-end: var(--launcher-offset);
    width: min(var(--widget-width), calc(100vw - 16px));
    height: min(
      var(--widget-height),
      calc(100dvh - var(--launcher-size) - var(--launcher-offset) - 24px)
    );
    box-shadow: var(--_shadow);
  }
  @media (max-width: 480px) {
    :host([mode='launcher']) .panel {
      inset-inline-end: 8px;
    }
  }
  .panel[hidden] {
    display: none;
  }
  .launcher {
    position: fixed;
    z-index: 2147483000;
    inset-block-end: var(--launcher-offset);
    inset-inline-end: var(--launcher-offset);
    width: var(--launcher-size);
    height: var(--launcher-size);
    border-radius: 50%;
    border: 0;
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    box-shadow: var(--_shadow);
    display: grid;
    place-items: center;
  }
  .launcher svg {
    width: 26px;
    height: 26px;
  }
  .launcher chat-unread-badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
  }
  header {
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 6px var(--_spacing);
    border-bottom: 1px solid var(--_color-border);
    min-height: 48px;
  }
  header h2,
  .conversation-header h3 {
    flex: 1;
    margin: 0;
    font-size: 1em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .body {
    flex: 1;
    min-height: 0;
    display: grid;
    grid-template-columns: minmax(0, 1fr);
  }
  .list,
  .conversation {
    min-height: 0;
    min-width: 0;
  }
  .conversation {
    display: flex;
    flex-direction: column;
  }
  .conversation chat-thread {
    flex: 1;
  }
  .conversation-header {
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 4px var(--_spacing);
    border-bottom: 1px solid var(--_color-border);
    min-height: 44px;
  }
  :host(:dir(rtl)) .back svg {
    transform: scaleX(-1);
  }
  .body:not(.has-active) .conversation,
  .body.has-active .list {
    display: none;
  }
  @container chat (min-width: 640px) {
    .body {
      grid-template-columns: minmax(220px, var(--list-width)) minmax(0, 1fr);
    }
    .body .conversation,
    .body:not(.has-active) .conversation {
      display: flex;
    }
    .body .list,
    .body.has-active .list {
      display: block;
      border-inline-end: 1px solid var(--_color-border);
    }
    .back {
      display: none;
    }
  }
  .status {
    margin: auto;
    padding: calc(var(--_spacing) * 2);
    color: var(--_color-text-muted);
  }
  .login {
    overflow-y: auto;
    flex: 1;
  }
  dialog.safety {
    width: min(420px, calc(100vw - 16px));
    padding: 0;
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius);
    background: var(--_color-surface);
    color: var(--_color-text);
  }
  dialog.safety::backdrop {
    background: rgb(0 0 0 / 0.35);
  }
  dialog.safety .actions {
    display: flex;
    justify-content: flex-end;
    padding: 0 var(--_spacing) var(--_spacing);
  }
`;
