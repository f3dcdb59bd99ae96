// The icon set every installer takes, made from resources/icon.svg: read back as the systems read
// it (PNG headers, the .ico directory, the .icns table of contents).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linuxIconSizes, makeIconSet, type IconSet } from '../../packaging/icons';

const source = fileURLToPath(new URL('../../resources/icon.svg', import.meta.url));
let folder: string;
let set: IconSet;

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mshahara-icons-'));
  set = await makeIconSet(source, folder);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the icon set made from resources/icon.svg', () => {
  it('has a square PNG of every Linux size, not blank', async () => {
    for (const size of linuxIconSizes) {
      const png = await readFile(join(set.pngFolder, `${size}x${size}.png`));
      expect(pngSize(png)).toEqual({ width: size, height: size });
    }
    // A rendered icon compresses to far more than an empty canvas of the same size.
    expect((await readFile(join(set.pngFolder, '512x512.png'))).length).toBeGreaterThan(4_000);
  });

  it('has a Windows .ico with every size from 16 to 256', async () => {
    const ico = await readFile(set.ico);
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1); // 1 = icon
    const count = ico.readUInt16LE(4);
    // Width 0 in the directory means 256.
    const widths = Array.from({ length: count }, (_, entry) => ico[6 + 16 * entry] || 256);
    expect(widths).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]));
  });

  it('has a macOS .icns with the sizes from 16 to 1024', async () => {
    const icns = await readFile(set.icns);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4))
      types.push(icns.toString('latin1', offset, offset + 4));
    // is32 16, il32 32, ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x), ic11–ic14 the other @2x.
    expect(types).toEqual(
      expect.arrayContaining(['is32', 'il32', 'ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14']),
    );
  });

  it('is the same, byte for byte, when made again from the same source', async () => {
    const again = await mkdtemp(join(tmpdir(), 'mshahara-icons-again-'));
    try {
      const second = await makeIconSet(source, again);
      expect(await readFile(second.icns)).toEqual(await readFile(set.icns));
      expect(await readFile(second.ico)).toEqual(await readFile(set.ico));
      expect(await readFile(join(second.pngFolder, '256x256.png'))).toEqual(
        await readFile(join(set.pngFolder, '256x256.png')),
      );
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});
