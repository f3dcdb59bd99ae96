// Shared by the callback parser tests: fixture readers and narrowing of parse results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DarajaEvent, ParseResult } from '../../../src/main/daraja/callbacks';

const samples = join(import.meta.dirname, '../../fixtures/daraja');
const variants = join(import.meta.dirname, '../../fixtures/callbacks');
export const sample = (name: string): string => readFileSync(join(samples, `${name}.json`), 'utf8');
export const variant = (name: string): string => readFileSync(join(variants, `${name}.json`), 'utf8');

/** Parses and insists on the event type; the narrowed event is returned for value checks. */
export function eventOf<T extends DarajaEvent['type']>(
  result: ParseResult,
  type: T,
): Extract<DarajaEvent, { type: T }> {
  if (!result.ok) throw new Error(`expected ${type}, got error: ${result.error.reason}`);
  expect(result.event.type).toBe(type);
  return result.event as Extract<DarajaEvent, { type: T }>;
}

export function errorOf(result: ParseResult): { reason: string; path?: string } {
  if (result.ok) throw new Error(`expected an error, got ${result.event.type}`);
  return result.error;
}
