import { LitElement } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { ChatStrings, StringKey } from '../i18n/en.js';
import { format, languageOf, lookup } from '../i18n/translations.js';
import { ChatEvent } from './events.js';
import type { ChatEventDetails, ChatEventName } from './events.js';

/**
 * The base of every Parley component: duplicate-tolerant registration, typed events and
 * localised strings. Registers nothing by itself.
 */
export class ParleyElement extends LitElement {
  static override properties: PropertyDeclarations = {
    strings: { attribute: false },
  };

  /**
   * Components this one renders, by default tag name: {@link define} registers them too (when
   * the tag is free), so a class used alone still renders its children.
   */
  static dependencies: Readonly<Record<string, typeof ParleyElement>> = {};

  /** Overrides for this element's strings (keys of the English table). Default: none. */
  declare strings: Partial<ChatStrings> | undefined;

  /**
   * Registers the class as `name`. Defining the same class under the same name twice is a
   * no-op, so two scripts that both load the widgets do not throw; a different class already
   * holding the name is left alone with a warning. A class already registered under another
   * name is registered again as a subclass (a constructor can have only one name).
   *
   * @param name - The tag name, e.g. `chat-thread`.
   * @param registry - Where to register. Default: the global `customElements`.
   */
  static define(name: string, registry: CustomElementRegistry = customElements): void {
    for (const [tag, dependency] of Object.entries(this.dependencies)) {
      if (!registry.get(tag)) dependency.define(tag, registry);
    }
    const existing = registry.get(name);
    if (existing !== undefined) {
      if (existing !== this) console.warn(`[parley] <${name}> is already defined by another class`);
      return;
    }
    const named = registry.getName?.(this as unknown as CustomElementConstructor);
    registry.define(
      name,
      (named ? class extends this {} : this) as unknown as CustomElementConstructor,
    );
  }

  /**
   * Dispatches a Parley event (bubbling, composed; `chat-request-*` cancelable).
   *
   * @returns `false` when a listener cancelled it.
   */
  emit<K extends ChatEventName>(name: K, detail: ChatEventDetails[K]): boolean {
    return this.dispatchEvent(new ChatEvent(name, detail));
  }

  /** The language in effect: the nearest `lang`, crossing shadow roots; `en` by default. */
  get language(): string {
    return languageOf(this);
  }

  /** A localised string, with `{placeholders}` filled from `vars`. */
  t(key: StringKey, vars?: Readonly<Record<string, string | number>>): string {
    return format(lookup(key, this.language, this.strings), vars);
  }
}
