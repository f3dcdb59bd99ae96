// Reads the file a command was given; an unreadable one is a plain error naming it.
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../shared/errors';

export function readInputFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch {
    throw new ValidationError(`The file ${file} could not be read.`);
  }
}
