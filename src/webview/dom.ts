/**
 * A tiny element builder. Text always goes through `textContent` (model strings such as dead-letter
 * excerpts can contain markup), and there is deliberately no way to set a `style` attribute: the page runs
 * under a CSP without 'unsafe-inline', so presentation lives in the stylesheet and the few computed values
 * (chart tooltip position, legend swatches) are set through `element.style` from script.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
type Listeners = { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
/** Attributes by name; `on` adds event listeners. */
export type Attrs = { [name: string]: AttrValue | Listeners; on?: Listeners };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (name === 'on') {
        for (const [ev, fn] of Object.entries(value as object)) el.addEventListener(ev, fn as EventListener);
        continue;
      }
      if (name === 'style') throw new Error('inline style attributes are not allowed under the page CSP');
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? '' : String(value as string | number));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's children. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.textContent = '';
  append(el, children);
}

/** Reads a CSS custom property of the document (theme variables), trimmed; `fallback` when unset. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}
