// How large a file the officer picks may be, one number for every place that checks it: the page
// before it sends the file, the contract that carries it as base64, the browser host's WebSocket
// that carries the call, and the payroll reader. They agree because they all read it from here.

/** Bytes of a chosen file: a payroll sheet, a worker list, an M-Pesa statement. */
export const maxFileBytes = 25 * 1024 * 1024;

/** Characters of a file at that limit written as base64, as it travels in a contract call. */
export const maxFileBase64Length = Math.ceil(maxFileBytes / 3) * 4;

/** Bytes of one contract call over the browser host's WebSocket: a file at the limit and room for the call around it. */
export const maxContractMessageBytes = maxFileBase64Length + 1024 * 1024;

/** A size as people read it: "37 MB", "25.1 MB" (rounded up, so a file over the limit never reads as equal to it). */
export function megabytes(bytes: number): string {
  const tenths = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${tenths.toLocaleString('en-KE', { maximumFractionDigits: 1 })} MB`;
}

const advice = {
  payroll: { files: 'payroll files', next: 'Split the file or remove unused columns.' },
  statement: { files: 'statement files', next: 'Export a shorter period from the M-Pesa portal.' },
} as const;

/** Why a chosen file is refused before it is sent, or undefined when its size is fine. */
export function fileTooLarge(file: { name: string; size: number }, kind: keyof typeof advice): string | undefined {
  if (file.size <= maxFileBytes) return undefined;
  const { files, next } = advice[kind];
  return `${file.name} is ${megabytes(file.size)}; Mshahara reads ${files} up to ${megabytes(maxFileBytes)}. ${next}`;
}
