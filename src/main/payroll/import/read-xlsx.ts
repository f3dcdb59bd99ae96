// Reads one worksheet of an XLSX workbook into numbered rows, streaming: the zip through
// zip-parts.ts, the XML through saxes, with row, column and cell limits checked as it goes.
// Formula cells give the value Excel last computed and saved (Mshahara evaluates nothing); hidden
// rows are left out and named in a note; merged ranges are passed on for the header search.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Entry } from 'yauzl';
import { ValidationError } from '../../../shared/errors';
import { escapeControls } from '../../../shared/text-safety';
import type { Merge } from './columns';
import { importLimits } from './limits';
import type { Sheet, SheetCell, SheetRow } from './types';
import { checkDeclaredSizes, openZip, streamPartText, type ZipParts } from './zip-parts';

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Feeds a part's XML to `handlers` as it is inflated. DTDs and entities are refused by saxes itself. */
async function parsePart(
  parts: ZipParts,
  entry: Entry,
  handlers: {
    open?: (name: string, attributes: Record<string, string>) => void;
    close?: (name: string) => void;
    text?: (text: string) => void;
  },
): Promise<void> {
  const parser = new SaxesParser();
  let failure: unknown;
  parser.on('error', (error) => {
    failure ??= error;
  });
  if (handlers.open !== undefined) {
    const open = handlers.open;
    parser.on('opentag', (tag: SaxesTagPlain) => open(localName(tag.name), tag.attributes));
  }
  if (handlers.close !== undefined) {
    const close = handlers.close;
    parser.on('closetag', (tag: SaxesTagPlain) => close(localName(tag.name)));
  }
  if (handlers.text !== undefined) parser.on('text', handlers.text);
  await streamPartText(parts, entry, (text) => {
    if (failure === undefined) parser.write(text);
    if (failure !== undefined)
      throw failure instanceof ValidationError
        ? failure
        : new ValidationError(`The workbook's part ${entry.fileName} is not valid XML`, { cause: failure });
  });
  parser.close();
  if (failure !== undefined)
    throw failure instanceof ValidationError
      ? failure
      : new ValidationError(`The workbook's part ${entry.fileName} is not valid XML`, { cause: failure });
}

type SheetInfo = { name: string; hidden: boolean; path: string };

async function listSheets(parts: ZipParts): Promise<SheetInfo[]> {
  const workbook = parts.entries.get('xl/workbook.xml');
  const rels = parts.entries.get('xl/_rels/workbook.xml.rels');
  if (workbook === undefined || rels === undefined)
    throw new ValidationError(
      'The file is a zip but not an XLSX workbook; save it from Excel as .xlsx, or export it as CSV',
    );
  const targets = new Map<string, string>();
  await parsePart(parts, rels, {
    open: (name, a) => {
      if (name === 'Relationship' && a.Id !== undefined && a.Target !== undefined) targets.set(a.Id, a.Target);
    },
  });
  const sheets: SheetInfo[] = [];
  await parsePart(parts, workbook, {
    open: (name, a) => {
      if (name !== 'sheet') return;
      const id = Object.entries(a).find(([key]) => localName(key) === 'id' && key.includes(':'))?.[1];
      const target = id === undefined ? undefined : targets.get(id);
      if (target === undefined) return;
      const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
      sheets.push({
        name: a.name ?? '',
        hidden: a.state === 'hidden' || a.state === 'veryHidden',
        path: path.replace(/\/\.\//g, '/'),
      });
    },
  });
  if (sheets.length === 0) throw new ValidationError('The workbook has no worksheet');
  return sheets;
}

async function readSharedStrings(parts: ZipParts): Promise<string[]> {
  const entry = parts.entries.get('xl/sharedStrings.xml');
  if (entry === undefined) return [];
  const strings: string[] = [];
  let current: string[] | undefined;
  let inText = false;
  let phonetic = 0;
  await parsePart(parts, entry, {
    open: (name) => {
      if (name === 'si') current = [];
      else if (name === 'rPh') phonetic += 1;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    close: (name) => {
      if (name === 'si') {
        strings.push((current ?? []).join(''));
        current = undefined;
      } else if (name === 'rPh') phonetic -= 1;
      else if (name === 't') inText = false;
    },
    text: (text) => {
      if (inText) current?.push(text);
    },
  });
  return strings;
}

/** Excel's built-in number formats that show a date or time. */
const builtInDateFormats = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** A custom format code shows a date when it has d, m, y, h or s outside quotes and [colour] brackets. */
function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^[#0.,\s%E+-]*$/.test(bare);
}

/** Which cell styles (by index, as cells name them in s="…") show dates: a date typed as an amount must not be read as a number. */
async function readDateStyles(parts: ZipParts): Promise<Set<number>> {
  const entry = parts.entries.get('xl/styles.xml');
  const dates = new Set<number>();
  if (entry === undefined) return dates;
  const customDates = new Set<number>();
  let inCellXfs = false;
  let xfIndex = 0;
  await parsePart(parts, entry, {
    open: (name, a) => {
      if (name === 'numFmt' && a.numFmtId !== undefined && isDateFormat(a.formatCode ?? ''))
        customDates.add(Number(a.numFmtId));
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.numFmtId ?? '0');
        if (builtInDateFormats.has(id) || customDates.has(id)) dates.add(xfIndex);
        xfIndex += 1;
      }
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return dates;
}

/** An Excel date serial (1900 system) as the ISO date typed. */
function serialDate(value: string): string {
  const days = Number(value);
  if (!Number.isFinite(days)) return value;
  return new Date(Math.round((days - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

/** "C" → 2, "AA" → 26. */
function columnIndex(reference: string): number {
  let index = 0;
  for (const char of reference) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

/** A number as people typed it: 12000.000000000002 from a formula reads as 12000, and a phone keeps every digit. */
function numberText(value: string): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  const cents = Math.round(n * 100);
  return Math.abs(n * 100 - cents) < 1e-6 ? String(cents / 100) : String(n);
}

function mergeOf(reference: string): Merge | undefined {
  const match = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(reference);
  if (match === null) return undefined;
  return {
    left: columnIndex(match[1] ?? ''),
    top: Number(match[2]),
    right: columnIndex(match[3] ?? ''),
    bottom: Number(match[4]),
  };
}

function rowList(numbers: readonly number[]): string {
  const shown = numbers.slice(0, 10).join(', ');
  return numbers.length > 10 ? `${shown} and ${numbers.length - 10} more` : shown;
}

export async function readXlsx(content: Uint8Array, sheetName?: string): Promise<Sheet> {
  if (content.length > importLimits.fileBytes)
    throw new ValidationError(
      `The file is larger than ${importLimits.fileBytes / 1024 / 1024} MB; no payroll workbook is that large`,
    );
  const parts = await openZip(content);
  try {
    const sheets = await listSheets(parts);
    const chosen =
      sheetName === undefined ? (sheets.find((s) => !s.hidden) ?? sheets[0]) : sheets.find((s) => s.name === sheetName);
    if (chosen === undefined) {
      throw new ValidationError(
        `The workbook has no sheet named ${JSON.stringify(escapeControls(sheetName ?? ''))}; its sheets are ${sheets.map((s) => JSON.stringify(escapeControls(s.name))).join(', ')}`,
      );
    }
    const sheetEntry = parts.entries.get(chosen.path);
    if (sheetEntry === undefined)
      throw new ValidationError(
        `The workbook names sheet "${escapeControls(chosen.name)}" but does not hold it; the file is damaged`,
      );
    const stringsEntry = parts.entries.get('xl/sharedStrings.xml');
    const stylesEntry = parts.entries.get('xl/styles.xml');
    checkDeclaredSizes([sheetEntry, stringsEntry, stylesEntry].filter((e): e is Entry => e !== undefined));
    const shared = await readSharedStrings(parts);
    const dateStyles = await readDateStyles(parts);

    const rows: SheetRow[] = [];
    const hiddenRows: number[] = [];
    const merges: Merge[] = [];
    let row: { number: number; hidden: boolean; cells: SheetCell[] } | undefined;
    let lastRow = 0;
    let cell:
      | {
          column: number;
          type: string;
          style: number;
          value: string[];
          formula: string[] | undefined;
          inline: string[];
        }
      | undefined;
    let lastColumn = -1;
    let into: 'v' | 'f' | 't' | undefined;
    let kept = 0;

    const finishCell = (): void => {
      if (row === undefined || cell === undefined) return;
      const value = cell.value.join('');
      let text: string;
      switch (cell.type) {
        case 's':
          text = shared[Number(value)] ?? '';
          break;
        case 'inlineStr':
          text = cell.inline.join('');
          break;
        case 'b':
          text = value === '1' ? 'TRUE' : value === '' ? '' : 'FALSE';
          break;
        case 'str':
        case 'e':
          text = value;
          break;
        default:
          text = value === '' ? '' : dateStyles.has(cell.style) ? serialDate(value) : numberText(value);
      }
      if (text.length > importLimits.cellChars) {
        throw new ValidationError(
          `Row ${row.number}, column ${cell.column + 1} holds more than ${importLimits.cellChars.toLocaleString('en-KE')} characters; no name, phone, amount or reference is that long`,
        );
      }
      const sheetCell: SheetCell = { text };
      if (cell.formula !== undefined) sheetCell.formula = `=${cell.formula.join('')}`;
      while (row.cells.length < cell.column) row.cells.push({ text: '' });
      row.cells[cell.column] = sheetCell;
    };

    await parsePart(parts, sheetEntry, {
      open: (name, a) => {
        switch (name) {
          case 'row': {
            const number = a.r === undefined ? lastRow + 1 : Number(a.r);
            lastRow = number;
            lastColumn = -1;
            row = { number, hidden: a.hidden === '1' || a.hidden === 'true', cells: [] };
            break;
          }
          case 'c': {
            const column = a.r === undefined ? lastColumn + 1 : columnIndex(a.r);
            lastColumn = column;
            if (column >= importLimits.columns) {
              throw new ValidationError(
                `Row ${row?.number ?? lastRow} has a cell in column ${column + 1}; a payroll sheet uses at most ${importLimits.columns} columns`,
              );
            }
            cell = { column, type: a.t ?? 'n', style: Number(a.s ?? '0'), value: [], formula: undefined, inline: [] };
            break;
          }
          case 'v':
            into = 'v';
            break;
          case 'f':
            into = 'f';
            if (cell !== undefined) cell.formula = [];
            break;
          case 't':
            into = 't';
            break;
          case 'mergeCell': {
            const merge = a.ref === undefined ? undefined : mergeOf(a.ref);
            if (merge !== undefined && merges.length < importLimits.columns * importLimits.headerSearchRows)
              merges.push(merge);
            break;
          }
          default:
        }
      },
      text: (text) => {
        if (cell === undefined || into === undefined) return;
        const target = into === 'v' ? cell.value : into === 'f' ? cell.formula : cell.inline;
        target?.push(text);
        if (text.length > importLimits.cellChars * 4)
          throw new ValidationError(`Row ${row?.number ?? lastRow} holds a cell far longer than any payroll value`);
      },
      close: (name) => {
        if (name === 'v' || name === 'f' || name === 't') into = undefined;
        else if (name === 'c') {
          finishCell();
          cell = undefined;
        } else if (name === 'row' && row !== undefined) {
          const blank = row.cells.every((c) => c.text.trim() === '');
          if (!blank && row.hidden) hiddenRows.push(row.number);
          else if (!blank) {
            kept += 1;
            if (kept > importLimits.rows + importLimits.headerSearchRows) {
              throw new ValidationError(
                `The sheet has more than ${importLimits.rows.toLocaleString('en-KE')} rows; split it into smaller files`,
              );
            }
            rows.push({ row: row.number, cells: row.cells });
          }
          row = undefined;
        }
      },
    });

    const notes: string[] = [];
    if (hiddenRows.length > 0) {
      notes.push(
        `${hiddenRows.length === 1 ? 'Row' : 'Rows'} ${rowList(hiddenRows)} ${hiddenRows.length === 1 ? 'is' : 'are'} hidden in the sheet and ${hiddenRows.length === 1 ? 'was' : 'were'} left out; unhide ${hiddenRows.length === 1 ? 'it' : 'them'} in Excel to include ${hiddenRows.length === 1 ? 'it' : 'them'}`,
      );
    }
    const formulas = rows.reduce(
      (n, r) => n + r.cells.filter((c) => c.formula !== undefined && c.text !== '').length,
      0,
    );
    if (formulas > 0)
      notes.push(
        `${formulas} cell${formulas === 1 ? ' is a formula; its value' : 's are formulas; their values'} as Excel last saved ${formulas === 1 ? 'it was' : 'them were'} read`,
      );
    if (sheets.length > 1)
      notes.push(
        `Read sheet "${escapeControls(chosen.name)}" of ${sheets.length}; choose another sheet to read that one instead`,
      );
    return { rows, notes, merges, sheets: sheets.map((s) => s.name), sheet: chosen.name };
  } finally {
    parts.zip.close();
  }
}
