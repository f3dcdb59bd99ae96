// Does the name M-Pesa registered the paid number to belong to the worker? Rule: compare words
// (letters only, case and spacing ignored, words of two letters or more); one shared word is a
// match. M-Pesa shows two or three of a person's names in its own order and workers are listed by
// any of theirs, so demanding more would flag most honest payments; sharing none almost always
// means the number belongs to someone else.

function words(name: string): Set<string> {
  const found = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((word) => word.length >= 2);
  return new Set(found);
}

export type NameCheck = 'match' | 'mismatch';

/** null when M-Pesa gave no name to compare. */
export function checkRegisteredName(workerName: string, registeredName: string | null): NameCheck | null {
  if (registeredName === null || registeredName.trim() === '') return null;
  const registered = words(registeredName);
  if (registered.size === 0) return null;
  for (const word of words(workerName)) if (registered.has(word)) return 'match';
  return 'mismatch';
}
