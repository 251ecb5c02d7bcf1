/**
 * Every list we put in a prompt is capped, so one user's records cannot make a prompt (and its cost) grow without
 * bound: the first `limit` items are shown, and what was left out is summed by our code into one line, "and K more,
 * totalling X". X is computed here from the same minor units as the shown items, so the fact checker accepts it
 * when the model quotes it.
 */

/** What a capped list left out: how many items, and their amounts added up (minor units). */
export interface ListRest {
  count: number;
  totalMinor: number;
}

export interface CappedList<T> {
  shown: T[];
  /** The items left out, for callers that add up more than one amount of them. */
  omitted: T[];
  rest: ListRest;
}

/**
 * The first `limit` items in the given order (callers sort: largest amount first, or most severe), and the sum of
 * the rest. `amountOf` gives the amount the "totalling" figure adds up; without it the rest is only counted.
 */
export function capList<T>(items: readonly T[], limit: number, amountOf?: (item: T) => number): CappedList<T> {
  const n = Math.max(0, Math.floor(limit));
  const left = items.slice(n);
  return {
    shown: items.slice(0, n),
    omitted: left,
    rest: { count: left.length, totalMinor: amountOf ? left.reduce((t, item) => t + amountOf(item), 0) : 0 },
  };
}

/** The `limit` items with the largest amounts, largest first (ties keep their order), and the sum of the rest. */
export function topByAmount<T>(items: readonly T[], limit: number, amountOf: (item: T) => number): CappedList<T> {
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => amountOf(b.item) - amountOf(a.item) || a.i - b.i)
    .map((x) => x.item);
  return capList(sorted, limit, amountOf);
}

/** What is left of a total once the shown items are taken out: for lists capped before they reach us. */
export function restOfTotal<T>(
  shown: readonly T[],
  totalCount: number,
  totalMinor: number,
  amountOf: (item: T) => number,
): ListRest {
  return {
    count: Math.max(0, totalCount - shown.length),
    totalMinor: totalMinor - shown.reduce((t, item) => t + amountOf(item), 0),
  };
}

/** A noun as [singular, plural]: "1 more debt", "2 more debts". */
export type Noun = readonly [one: string, many: string];

/**
 * "and 1990 more debts, totalling £12,345.67"; `total` formats the rest's total (money, or "£5.00/month"), and is
 * left out when omitted. Empty when nothing was left out.
 */
export function andMore(rest: ListRest, noun: Noun, total?: (minor: number) => string): string {
  if (rest.count <= 0) return '';
  const word = rest.count === 1 ? noun[0] : noun[1];
  return `and ${rest.count} more ${word}${total ? `, totalling ${total(rest.totalMinor)}` : ''}`;
}
