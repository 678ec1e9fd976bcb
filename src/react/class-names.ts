/** Joins the truthy class names: `classNames('sw-badge', live && 'sw-badge--live')`. */
export function classNames(...names: ReadonlyArray<string | false | undefined>): string {
  return names.filter((name) => typeof name === 'string' && name !== '').join(' ');
}
