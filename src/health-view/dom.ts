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

/** Sets an attribute only when it changed (a hovered element keeps its tooltip steady). */
export function setAttr(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/**
 * Makes `parent` have exactly `count` children, adding ones made by `create` at the end or
 * removing the last ones, and returns them: parts redrawn every second update these in place
 * instead of being rebuilt.
 */
export function syncChildren(
  parent: Element,
  count: number,
  create: () => HTMLElement,
): HTMLElement[] {
  while (parent.children.length > count) parent.lastElementChild?.remove();
  while (parent.children.length < count) parent.append(create());
  return Array.from(parent.children) as HTMLElement[];
}
