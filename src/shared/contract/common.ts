// Building blocks every part of the contract uses: money in cents, ids, MSISDNs, dates, pages,
// files travelling as base64, and files Mshahara hands back (a path on the desktop, bytes in a browser).
import { z } from 'zod';
import { maxFileBase64Length, maxFileBytes, megabytes } from '../file-limits';

/** Integer cents, never floats (docs/architecture.md#money-and-phone-numbers). */
export const cents = z
  .number({ error: 'Write the amount as a number' })
  .int({ error: 'Amounts are whole cents' })
  .refine(Number.isSafeInteger, 'That amount is too large');
export const positiveCents = cents.refine((value) => value > 0, 'The amount must be more than zero');

export const id = z.number().int().positive();

/** 12-digit MSISDN as stored: 2547XXXXXXXX or 2541XXXXXXXX. */
export const msisdn = z
  .string()
  .regex(/^254[17]\d{8}$/, 'A phone number here is 12 digits: 2547XXXXXXXX or 2541XXXXXXXX');

/** An instant, as an ISO 8601 string in UTC (the screens show it in Nairobi time). */
export const isoInstant = z.string();

/** A calendar day in Nairobi, YYYY-MM-DD (filters and charts count whole Nairobi days). */
export const nairobiDay = z.iso.date({ message: 'Dates are written YYYY-MM-DD' });

/** A page of a long list; the list answers with `total` so the screen can size its scroll. */
export function pageInput(maxLimit: number, defaultLimit = 100) {
  return {
    limit: z.number().int().min(1).max(maxLimit).default(defaultLimit),
    offset: z.number().int().min(0).default(0),
  };
}

/** A file the officer picked, sent from the page: its name (for messages and the audit) and its bytes. */
export const uploadedFile = {
  fileName: z.string().trim().min(1, 'The file needs a name').max(255),
  contentBase64: z
    .string()
    .min(1, 'The file is empty')
    .max(maxFileBase64Length, `The file is too large (over ${megabytes(maxFileBytes)})`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The file content must be base64'),
};

export const exportFormats = ['csv', 'xlsx'] as const;
export const exportFormat = z.enum(exportFormats);

/**
 * A file Mshahara made (an export, a template). The desktop app writes it to the data folder's
 * exports folder and returns the path; the browser host returns the bytes for the page to save.
 */
export const producedFile = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  rows: z.number().int().min(0).nullable(),
  path: z.string().nullable(),
  contentBase64: z.string().nullable(),
});
export type ProducedFile = z.output<typeof producedFile>;

/** What a failed Daraja code means for the officer, and what to do about it. */
export const plainReason = z.object({
  code: z.string().nullable(),
  message: z.string(),
  action: z.string().nullable(),
});
export type PlainReason = z.output<typeof plainReason>;

export const empty = z.object({}).strict();

/**
 * One refused field of a call's input: where it is (["changes", "defaultAmountCents"]) and what is
 * wrong in plain words, for the form to show beside the field.
 */
export const fieldIssue = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type FieldIssue = z.output<typeof fieldIssue>;
