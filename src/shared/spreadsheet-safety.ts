// Keeps exported spreadsheets inert: a cell a spreadsheet program could read as a formula (CSV/formula
// injection) is written as literal text instead. Every Mshahara export (CSV and XLSX) goes through here.

/** Characters that make Excel, LibreOffice or Google Sheets treat a typed cell as a formula or command. */
const formulaTriggers = new Set(['=', '+', '-', '@', '\t', '\r']);

/** True when a spreadsheet program could treat `text` as a formula rather than as text. */
export function looksLikeFormula(text: string): boolean {
  return text.length > 0 && formulaTriggers.has(text.charAt(0));
}

/**
 * The value to write into an exported cell. Text that would start a formula gets a leading `'` so it
 * shows as the same text and is never evaluated; numbers, booleans and empty values pass unchanged
 * because a spreadsheet never evaluates them (a negative amount stays a number, not "'-500").
 */
export function neutraliseCell<T>(value: T): T | string {
  if (typeof value !== 'string') return value;
  return looksLikeFormula(value) ? `'${value}` : value;
}
