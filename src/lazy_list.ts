/**
 * Lists that exist only while they hold something (an idle socket keeps no
 * empty arrays): null stands for empty.
 *
 * @module
 */

/**
 * `list` without `x`: the same array (changed in place), null when `x` was
 * its last item, or undefined when `x` is not in it.
 */
export function without<T>(list: T[] | null, x: T): T[] | null | undefined {
  const i = list === null ? -1 : list.indexOf(x);
  if (i < 0) return undefined;
  if (list!.length === 1) return null;
  list!.splice(i, 1);
  return list;
}
