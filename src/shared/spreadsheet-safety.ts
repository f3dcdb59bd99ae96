// Keeps exported spreadsheets inert: a cell a spreadsheet program could read as a formula (CSV/formula
// injection) is written as literal text instead. Every Mshahara export (CSV and XLSX) goes through here.

/** Characters that make Excel, LibreOffice or Google Sheets treat a typed cell as a formula or command. */
const formulaTriggers = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * A trigger after a separator a spreadsheet may split on (comma, semicolon, tab, pipe, line break),
 * behind any spaces or quotes: "BOB;=1+1" opened where ";" separates fields is two cells, the second a formula.
 */
const triggerAfterSeparator = /([,;\t|\r\n][\s"']*)([=+\-@])/g;

/** True when a spreadsheet program could treat `text` as a formula rather than as text. */
export function looksLikeFormula(text: string): boolean {
  return text.length > 0 && formulaTriggers.has(text.charAt(0));
}

/**
 * The value to write into an exported cell. Text that would start a formula gets a leading `'` so it
 * shows as the same text and is never evaluated, and so does each trigger after a separator, so no
 * piece of the cell becomes a formula when a program splits it; numbers, booleans and empty values
 * pass unchanged because a spreadsheet never evaluates them (a negative amount stays a number, not "'-500").
 */
export function neutraliseCell<T>(value: T): T | string {
  if (typeof value !== 'string') return value;
  const inner = value.replace(triggerAfterSeparator, "$1'$2");
  return looksLikeFormula(inner) ? `'${inner}` : inner;
}
