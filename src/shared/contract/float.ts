// Contract methods for the float's history and the low-float warning (src/main/float/): every
// balance M-Pesa reported, downsampled per time bucket for the chart and its table; the level the
// admin asks to be warned below, and the warning itself, shown on the dashboard and before a run.
import { z } from 'zod';
import { cents, empty, isoInstant, nairobiDay } from './common';

export const floatPoint = z.object({
  /** The bucket's last report. */
  at: isoInstant,
  lowestCents: cents,
  lastCents: cents,
  reports: z.number().int(),
});
export type FloatPoint = z.output<typeof floatPoint>;

export const lowFloatWarning = z.object({
  levelCents: cents,
  utilityCents: cents,
  observedAt: isoInstant,
  /** The figure is old enough that the message says how old. */
  old: z.boolean(),
  message: z.string(),
});
export type LowFloatWarningView = z.output<typeof lowFloatWarning>;

export const floatMethods = {
  'float.history': {
    input: z
      .object({
        /** As M-Pesa names it; the Utility account when not given. */
        account: z.string().trim().min(1).max(80).optional(),
        fromDay: nairobiDay,
        toDay: nairobiDay,
        maxPoints: z.number().int().min(10).max(2000).optional(),
      })
      .strict(),
    output: z.object({
      /** The accounts M-Pesa has reported, the Utility account first. */
      accounts: z.array(z.string()),
      account: z.string(),
      fromDay: nairobiDay,
      toDay: nairobiDay,
      bucketSeconds: z.number().int().positive(),
      points: z.array(floatPoint),
      reports: z.number().int(),
    }),
  },
  'float.warning': {
    input: empty,
    output: z.object({
      /** Warn below this Utility balance; null: no level set. */
      levelCents: cents.nullable(),
      warning: lowFloatWarning.nullable(),
    }),
  },
  'float.setWarningLevel': {
    input: z
      .object({
        levelCents: cents
          .refine((value) => value > 0, 'The level must be above zero; clear it for no warning')
          .refine((value) => value % 100 === 0, 'Write the level in whole shillings')
          .nullable(),
      })
      .strict(),
    output: z.object({ levelCents: cents.nullable(), warning: lowFloatWarning.nullable() }),
  },
} as const;
