/**
 * One name normaliser for everything that groups expenses by name (category keywords, recurring detection,
 * duplicates, budget superseding), so "TESCO STORES 2341", "Tesco Stores  #77" and "tesco stores" are one
 * merchant. MongoDB has no regex replace, so the repository groups by `{ $toLower: { $trim: { input: '$name' } } }`
 * and the library re-normalises and merges those groups; applying this function in the mapper instead is
 * equally fine because it is idempotent.
 *
 * Exactly, in order:
 *  1. Unicode NFKD, drop the Latin combining diacritics U+0300-U+036F, recompose with NFC (café -> cafe,
 *     ﬁ -> fi; vowel signs of other scripts, e.g. Bengali, are kept).
 *  2. Lower-case.
 *  3. Delete apostrophes (' and ’) so "Sainsbury's" -> "sainsburys".
 *  3b. Drop web-address noise: a leading "www." and a domain ending (.com, .co.uk, .net, .org, .io, .uk)
 *     attached to a word, so "NETFLIX.COM" -> "netflix".
 *  4. Replace every character that is not a letter, a combining mark, a digit or whitespace with a space
 *     (punctuation, symbols, '*', '#', '/', '.', '&', emoji, control characters).
 *  5. Split on whitespace and drop every token that contains a digit (card refs, store numbers, dates,
 *     "2x4", "p1234abc").
 *  6. Join the remaining tokens with single spaces (this also trims).
 *  7. If nothing is left (the name was only digits/punctuation), fall back to steps 1-4 with whitespace
 *     collapsed, so "12345" stays "12345" rather than merging with every other all-digit name.
 */
export function normaliseName(name: string | null | undefined): string {
  if (typeof name !== 'string') return '';
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]+/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/\bwww\./g, '')
    .replace(/(?<=\p{L})\.(?:com|co\.uk|net|org|io|uk)(?![\p{L}\p{N}])/gu, '')
    .replace(/[^\p{L}\p{M}\p{N}\s]+/gu, ' ');
  const tokens = base.split(/\s+/).filter((t) => t.length > 0);
  const kept = tokens.filter((t) => !/\p{N}/u.test(t));
  return (kept.length > 0 ? kept : tokens).join(' ');
}
