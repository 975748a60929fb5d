import { css } from 'lit';

// The download button sits on a bubble of either colour, so its hover tints what is there.

export const styles = css`
  :host {
    display: block;
    --image-max-height: 240px;
  }
  .file {
    display: flex;
    flex-direction: column;
    gap: 4px;
    max-width: 100%;
  }
  .image,
  .placeholder {
    display: block;
    max-width: 100%;
    max-height: var(--image-max-height);
    border-radius: calc(var(--_radius) - 4px);
  }
  .image {
    object-fit: contain;
  }
  .placeholder {
    width: 200px;
    min-height: 80px;
    background: var(--_color-surface-alt);
  }
  .card {
    display: flex;
    align-items: center;
    gap: var(--_spacing);
    min-width: 0;
  }
  .file:not(.is-image) .card {
    padding: 6px 8px;
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_color-surface);
    color: var(--_color-text);
    border: 1px solid var(--_color-border);
  }
  .icon {
    display: inline-flex;
    flex: none;
  }
  .info {
    display: flex;
    flex-direction: column;
    min-width: 0;
    flex: 1;
  }
  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .size {
    font-size: 0.85em;
    opacity: 0.85;
  }
  .download {
    flex: none;
    color: inherit;
    background: transparent;
    gap: 4px;
  }
  .download:hover {
    background: color-mix(in srgb, currentColor 15%, transparent);
  }
  .busy {
    font-size: 0.85em;
  }
  .error {
    margin: 0;
    padding: 6px 8px;
    border-radius: calc(var(--_radius) - 4px);
    border: 1px dashed var(--_color-danger);
    background: var(--_color-surface);
    color: var(--_color-danger);
    font-weight: 600;
  }
  .retry {
    border: 0;
    background: none;
    color: inherit;
    text-decoration: underline;
    padding: 2px 4px;
    font: inherit;
  }
`;
