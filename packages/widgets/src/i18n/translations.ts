import { en } from './en.js';
import type { ChatStrings, StringKey } from './en.js';
import { es } from './es.js';

const tables = new Map<string, Partial<ChatStrings>>([
  ['en', en],
  ['es', es],
]);

/**
 * Adds or extends the strings for a language (a BCP 47 tag such as `fr` or `pt-BR`). Keys
 * left out fall back to the base language (`pt-BR` → `pt`), then to English.
 *
 * @example
 * ```ts
 * registerTranslation('fr', { send: 'Envoyer', signIn: 'Se connecter' });
 * ```
 */
export function registerTranslation(lang: string, strings: Partial<ChatStrings>): void {
  const key = lang.toLowerCase();
  tables.set(key, { ...tables.get(key), ...strings });
}

/**
 * The string for `key` in `lang`, looked up in `overrides` first, then `lang`, its base
 * language, and English.
 */
export function lookup(
  key: StringKey,
  lang: string,
  overrides: Partial<ChatStrings> | undefined,
): string {
  const fromOverride = overrides?.[key];
  if (fromOverride !== undefined) return fromOverride;
  const tag = lang.toLowerCase();
  const found = tables.get(tag)?.[key] ?? tables.get(tag.split('-')[0] ?? '')?.[key];
  return found ?? en[key];
}

/** Fills `{name}` placeholders; unknown ones stay as they are. */
export function format(template: string, vars: Readonly<Record<string, string | number>> = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/**
 * The language that applies to `element`: its own or the nearest ancestor's `lang`, crossing
 * shadow roots, then the document's, then `en`.
 */
export function languageOf(element: Element): string {
  let node: Node | null = element;
  while (node) {
    if (node instanceof Element) {
      const lang = node.getAttribute('lang');
      if (lang) return lang;
    }
    const parent: Node | null = node.parentNode;
    node = parent instanceof ShadowRoot ? parent.host : parent;
  }
  return 'en';
}
