/** Attributes {@link h} sets: strings (and true for boolean attributes); false/undefined skip. */
export type Attributes = Record<string, string | boolean | undefined>;

/** A child of {@link h}: an element, text (set as text, never parsed as HTML), or nothing. */
export type Child = Node | string | false | null | undefined;

/**
 * Creates an element. Text children become text nodes, so alert titles and other server data
 * can never inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    element.append(child);
  }
  return element;
}

/** The element with `id`; throws when the page lacks it (a broken template, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`health view: the page has no #${id}`);
  return element as T;
}

/** Sets text only when it changed, so screen readers and layout see no spurious updates. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
