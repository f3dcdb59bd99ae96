import { describe, expect, it } from 'vitest';
import {
  actionLabels,
  allCodes,
  describeResultCode,
  describeSyncError,
  type CodeFamily,
} from '../../../src/shared/daraja/codes';

// Every code REFERENCE documents, by family (§1, §2.6, §5, §6.2, §7.3, §10).
const documented: Record<CodeFamily, string[]> = {
  sync: [
    '400.002.02',
    '400.002.05',
    '400.003.01',
    '400.003.02',
    '400.008.01',
    '400.008.02',
    '401.002.01',
    '404.001.01',
    '404.002.01',
    '404.003.01',
    '404.001.03',
    '404.001.04',
    '405.001',
    '500.001.1001',
    '500.002.1001',
    '500.003.1001',
    '500.003.02',
    '500.003.03',
    '00.002.1001',
    'no_api_product',
  ],
  result: [
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '11',
    '12',
    '13',
    '14',
    '15',
    '17',
    '18',
    '19',
    '20',
    '21',
    '22',
    '24',
    '25',
    '26',
    '29',
    '2001',
    '2006',
    '2028',
    '2040',
    '8006',
    'SFC_IC0003',
    ...Array.from({ length: 12 }, (_, i) => String(100000000 + i)),
  ],
  stk: [
    '0',
    '1',
    '2',
    '3',
    '4',
    '8',
    '17',
    '26',
    '1001',
    '1019',
    '1025',
    '1032',
    '1037',
    '2001',
    '2028',
    '8006',
    '9999',
    'SFC_IC0003',
  ],
  reversal: ['R000001', 'R000002'],
  c2b_validation: ['C2B00011', 'C2B00012', 'C2B00013', 'C2B00014', 'C2B00015', 'C2B00016'],
};

describe('the Daraja codes catalog', () => {
  it('holds every documented code of every family', () => {
    for (const [family, codes] of Object.entries(documented)) {
      const present = new Set(allCodes.filter((e) => e.family === family).map((e) => e.code));
      expect(
        [...codes].filter((c) => !present.has(c)),
        family,
      ).toEqual([]);
    }
  });

  it('gives every entry a description, a plain sentence and a known action', () => {
    expect(allCodes.length).toBeGreaterThan(90);
    for (const entry of allCodes) {
      expect(entry.description.length, entry.code).toBeGreaterThan(3);
      expect(entry.explanation, entry.code).toMatch(/^[A-Z].*\.$/);
      expect(actionLabels[entry.action], entry.code).toBeDefined();
    }
  });

  it('classes the synchronous answers the payout engine acts on', () => {
    expect(describeSyncError('500.003.02', 'Error Occurred: Spike Arrest Violation').class).toBe('throttled');
    expect(describeSyncError('500.003.03', 'Error Occurred: Quota Violation').class).toBe('throttled');
    expect(describeSyncError('500.002.1001', 'Duplicate OriginatorConversationID.').class).toBe('duplicate');
    expect(describeSyncError('500.002.1001', 'System internal error.').class).toBe('transient');
    expect(describeSyncError('400.002.02', 'Bad Request - Invalid Amount').class).toBe('definitive');
    expect(describeSyncError('400.008.01', 'Invalid Authentication passed').action).toBe('check_credentials');
    expect(describeSyncError('404.001.03', 'Invalid Access Token').tokenRejected).toBe(true);
    expect(describeSyncError('401.002.01', 'Error Occurred - Invalid Access Token - abc').tokenRejected).toBe(true);
    expect(describeSyncError('400.002.02', 'Bad Request - Invalid Amount').tokenRejected).toBeUndefined();
  });

  it('tells the variants of 500.001.1001 apart by their message', () => {
    expect(describeSyncError('500.001.1001', 'The transaction is being processed').class).toBe('transient');
    expect(describeSyncError('500.001.1001', 'Wrong credentials').class).toBe('definitive');
    expect(describeSyncError('500.001.1001', 'Merchant does not exist').action).toBe('check_setup');
    expect(
      describeSyncError('500.001.1001', 'Unable to lock subscriber, a transaction is already in process').action,
    ).toBe('wait_and_retry');
    expect(describeSyncError('500.003.1001', 'Urls are already registered.').class).toBe('definitive');
    expect(describeSyncError('500.003.1001', 'Internal Server Error').class).toBe('transient');
  });

  it('knows the apigee answer that carries no code', () => {
    expect(describeSyncError(undefined, 'Invalid API call as no apiproduct match found').code).toBe('no_api_product');
  });

  it('classes asynchronous result codes, whether they arrive as numbers or strings', () => {
    expect(describeResultCode(0).class).toBe('succeeded');
    expect(describeResultCode('0').class).toBe('succeeded');
    expect(describeResultCode(1).action).toBe('top_up_float');
    expect(describeResultCode(2040).action).toBe('fix_number');
    expect(describeResultCode('SFC_IC0003').action).toBe('fix_number');
    expect(describeResultCode(15).class).toBe('duplicate');
    for (const throttled of [26, 100000002, 100000011]) expect(describeResultCode(throttled).class).toBe('throttled');
    expect(describeResultCode(2001, 'stk').explanation).toMatch(/PIN/);
    expect(describeResultCode(2001, 'result').explanation).toMatch(/initiator/);
    expect(describeResultCode('R000001', 'reversal').class).toBe('failed');
    // Reversal results also carry the B2C codes.
    expect(describeResultCode(1, 'reversal').action).toBe('top_up_float');
    expect(describeResultCode('C2B00012', 'c2b_validation').description).toBe('Invalid Account Number');
  });

  it('answers unknown codes with a generic entry instead of crashing', () => {
    const sync = describeSyncError('503.999.77', 'Something new');
    expect(sync).toMatchObject({ generic: true, class: 'transient', action: 'retry' });
    expect(describeSyncError('418.001', 'Teapot')).toMatchObject({ generic: true, class: 'definitive' });
    expect(describeSyncError('', 'Error Occurred: Spike Arrest Violation').class).toBe('throttled');
    expect(describeSyncError(null).generic).toBe(true);
    const result = describeResultCode(424242);
    expect(result).toMatchObject({ generic: true, class: 'failed', code: '424242' });
    expect(result.explanation).toContain('424242');
    expect(describeResultCode(undefined, 'stk').generic).toBe(true);
  });
});
