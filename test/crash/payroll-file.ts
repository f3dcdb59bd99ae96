// Seeded payroll files for the crash test and the benchmarks: distinct Safaricom numbers, varied
// whole-shilling amounts within the B2C limits, names with the odd apostrophe.
import { writeFileSync } from 'node:fs';
import { createRandom } from '../../src/simulator/random';

export interface PayrollLine {
  name: string;
  phone: string;
  amountCents: number;
}

const givenNames = [
  'Wanjiru',
  'Otieno',
  'Akinyi',
  'Kiprop',
  'Njeri',
  'Mutua',
  'Chebet',
  'Omondi',
  'Wambui',
  'Kamau',
  "N'gang'a",
  'Achieng',
];
const familyNames = [
  'Kariuki',
  'Odhiambo',
  'Mwangi',
  'Kiplagat',
  'Wafula',
  'Njoroge',
  'Mutiso',
  'Atieno',
  'Koech',
  'Nyambura',
];

/** `count` lines with distinct numbers (0712…, 0110… alike) and amounts from KES 50 to KES 20,000. */
export function payrollLines(count: number, seed: number): PayrollLine[] {
  const random = createRandom(seed);
  const phones = new Set<string>();
  const lines: PayrollLine[] = [];
  while (lines.length < count) {
    const prefix = random.chance(0.8) ? `7${random.between(10, 29)}` : `11${random.between(0, 5)}`;
    const phone = `254${prefix}${String(random.between(0, 999_999)).padStart(6, '0')}`;
    if (phones.has(phone)) continue;
    phones.add(phone);
    const name = `${givenNames[random.between(0, givenNames.length - 1)]} ${familyNames[random.between(0, familyNames.length - 1)]}`;
    lines.push({ name, phone, amountCents: random.between(50, 20_000) * 100 });
  }
  return lines;
}

/** Writes the lines as the CSV template Mshahara imports (name, phone, amount, reference). */
export function writePayrollCsv(file: string, lines: readonly PayrollLine[]): void {
  const rows = lines.map((l, i) => `"${l.name}",0${l.phone.slice(3)},${l.amountCents / 100},Salary ${i + 1}`);
  writeFileSync(file, `name,phone,amount,reference\n${rows.join('\n')}\n`);
}
