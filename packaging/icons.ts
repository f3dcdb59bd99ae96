// The icon set of every installer, made from the one source image resources/icon.svg: PNGs for
// Linux (AppImage, deb, the desktop entry), icon.ico for Windows, icon.icns for macOS.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

/** Sizes the Linux desktops look for (hicolor theme); 1024 feeds the macOS set. */
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

export interface IconSet {
  /** Folder of NxN.png files, the form electron-builder takes for Linux. */
  pngFolder: string;
  ico: string;
  icns: string;
}

export function iconSetPaths(folder: string): IconSet {
  return { pngFolder: join(folder, 'png'), ico: join(folder, 'icon.ico'), icns: join(folder, 'icon.icns') };
}

function render(svg: Buffer, size: number): Buffer {
  return Buffer.from(
    new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng(),
  );
}

/** Renders the source at every size and writes the set into `folder`; the same source gives the same files. */
export async function makeIconSet(sourceSvg: string, folder: string): Promise<IconSet> {
  const svg = await readFile(sourceSvg);
  const set = iconSetPaths(folder);
  await mkdir(set.pngFolder, { recursive: true });
  const pngs = new Map<number, Buffer>();
  for (const size of linuxIconSizes) {
    const png = render(svg, size);
    pngs.set(size, png);
    await writeFile(join(set.pngFolder, `${size}x${size}.png`), png);
  }
  // Windows wants 16–256 in one .ico (PNG chunks, BMP below 64 for older Explorer); macOS 16–1024.
  const ico = png2icons.createICO(pngs.get(256)!, png2icons.BICUBIC2, 0, false, true);
  const icns = png2icons.createICNS(pngs.get(1024)!, png2icons.BICUBIC2, 0);
  if (ico === null || icns === null) throw new Error(`The icon set could not be made from ${sourceSvg}.`);
  await writeFile(set.ico, ico);
  await writeFile(set.icns, icns);
  return set;
}
