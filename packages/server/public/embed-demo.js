// The theming panel of /embed-demo: sets the widget's `theme` attribute, `--chat-*` tokens and a
// class that a `::part()` rule in embed-demo.css keys on, and shows the CSS for the result.
// An external module: the server's Content-Security-Policy allows no inline script.

const DEFAULTS = { theme: 'light', accent: '#0b57d0', radius: 12, square: false };

/** `#rrggbb` → relative luminance (WCAG 2). */
function luminance(hex) {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** White or near-black text on `hex`, whichever contrasts more. */
function textOn(hex) {
  const l = luminance(hex);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
}

/** The custom properties for a look; an empty object for the defaults. */
function tokens(look) {
  const out = {};
  if (look.accent !== DEFAULTS.accent) {
    const on = textOn(look.accent);
    out['--chat-color-accent'] = look.accent;
    out['--chat-color-on-accent'] = on;
    out['--chat-color-bubble-mine'] = look.accent;
    out['--chat-color-on-bubble-mine'] = on;
    out['--chat-color-focus'] = look.accent;
  }
  if (look.radius !== DEFAULTS.radius) out['--chat-radius'] = `${look.radius}px`;
  return out;
}

function cssFor(look, props) {
  const lines = [`/* <chat-widget mode="launcher" theme="${look.theme}"> */`];
  const entries = Object.entries(props);
  if (entries.length > 0) {
    lines.push('chat-widget {', ...entries.map(([k, v]) => `  ${k}: ${v};`), '}');
  }
  if (look.square) {
    lines.push('chat-widget::part(thread-message-bubble) {', '  border-radius: 2px;', '}');
  }
  if (entries.length === 0 && !look.square) lines.push('/* the defaults: no CSS needed */');
  return lines.join('\n');
}

function start() {
  const widget = document.getElementById('chat');
  const form = document.getElementById('theme-form');
  const code = document.getElementById('theme-css');
  if (!widget || !form || !code) return;
  let applied = [];

  const apply = () => {
    const data = new FormData(form);
    const look = {
      theme: String(data.get('theme') ?? DEFAULTS.theme),
      accent: String(data.get('accent') ?? DEFAULTS.accent),
      radius: Number(data.get('radius') ?? DEFAULTS.radius),
      square: data.get('square') !== null,
    };
    widget.setAttribute('theme', look.theme);
    widget.classList.toggle('square-bubbles', look.square);
    const props = tokens(look);
    for (const name of applied) widget.style.removeProperty(name);
    for (const [name, value] of Object.entries(props)) widget.style.setProperty(name, value);
    applied = Object.keys(props);
    form.elements.namedItem('radiusValue').value = `${look.radius}px`;
    code.textContent = cssFor(look, props);
  };

  form.addEventListener('input', apply);
  // `reset` fires before the controls change back: apply once they have.
  form.addEventListener('reset', () => setTimeout(apply));
  document.getElementById('open-chat')?.addEventListener('click', () => widget.show?.());
  apply();
}

start();
