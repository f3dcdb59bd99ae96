// How every search in Mshahara compares text: without case and without accents, in any script, so
// "Wambũi" finds "WAMBŨI", "njeri" finds "Njéri" and "ΑΘΗΝΑ" finds "Αθήνα". Used by the database
// (as the SQL function fold(), registered on every connection) and by the screens alike.

/** Letters that carry no combining mark to strip, written as the plain letters people type. */
const plainLetters: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ł: 'l',
  þ: 'th',
  ς: 'σ',
};
const plainLetterPattern = new RegExp(`[${Object.keys(plainLetters).join('')}]`, 'gu');

/** The text as a search compares it: lower case, accents and other combining marks removed, spaces collapsed. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(plainLetterPattern, (c) => plainLetters[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether `text` holds `search` once both are folded; an empty search matches everything. */
export function matchesSearch(text: string | null | undefined, search: string): boolean {
  const needle = foldForSearch(search);
  return needle === '' || foldForSearch(text ?? '').includes(needle);
}
