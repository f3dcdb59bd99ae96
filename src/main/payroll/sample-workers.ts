// The sample workers a new demo profile starts with, so First start → Dashboard → Pay shows
// something at once. Names and numbers are invented; the demo simulator pays any Safaricom number.
import type { ProfileDatabase } from '../db';
import { addWorker } from './workers';

const sampleWorkers: ReadonlyArray<{ name: string; phone: string; department: string; shillings: number }> = [
  { name: 'Achieng Otieno', phone: '0712 000 101', department: 'Operations', shillings: 18_500 },
  { name: 'Baraka Mwangi', phone: '0712 000 102', department: 'Operations', shillings: 17_000 },
  { name: 'Chebet Kiprono', phone: '0712 000 103', department: 'Warehouse', shillings: 15_500 },
  { name: 'Daudi Kamau', phone: '0712 000 104', department: 'Warehouse', shillings: 15_500 },
  { name: 'Esther Wanjiru', phone: '0712 000 105', department: 'Finance', shillings: 42_000 },
  { name: 'Faith Njeri', phone: '0712 000 106', department: 'Sales', shillings: 23_000 },
  { name: 'Gitau Njoroge', phone: '0712 000 107', department: 'Sales', shillings: 23_000 },
  { name: 'Halima Abdi', phone: '0712 000 108', department: 'Transport', shillings: 19_750 },
  { name: 'Imani Mutua', phone: '0712 000 109', department: 'Transport', shillings: 19_750 },
  { name: 'Juma Ochieng', phone: '0712 000 110', department: 'Security', shillings: 14_000 },
];

export function addSampleWorkers(db: ProfileDatabase, actor: string): number {
  for (const worker of sampleWorkers) {
    addWorker(
      db,
      {
        name: worker.name,
        phone: worker.phone,
        department: worker.department,
        defaultAmountCents: worker.shillings * 100,
      },
      actor,
    );
  }
  return sampleWorkers.length;
}
