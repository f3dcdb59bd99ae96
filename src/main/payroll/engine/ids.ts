// OriginatorConversationIDs for payout attempts: Mshahara's own key for one try at paying one item.
// Readable (run, item, attempt) so a person can find it in Daraja logs; random tail so two profiles
// or a restored backup can never produce the same one.

/** `MSH-<run>-<item>-<attempt>-<8 base-36 chars>`, at most 64 characters (Daraja's limit). */
export function newOriginatorConversationId(
  runId: number,
  itemId: number,
  attemptNumber: number,
  random: () => number,
): string {
  let tail = '';
  for (let i = 0; i < 8; i++) tail += Math.floor(random() * 36).toString(36);
  const id = `MSH-${runId}-${itemId}-${attemptNumber}-${tail}`;
  if (id.length > 64)
    throw new RangeError(`OriginatorConversationID would be ${id.length} characters; Daraja takes 64`);
  return id;
}
