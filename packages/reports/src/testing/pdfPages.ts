import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A rasterised PDF page: its share of non-white pixels. */
export interface PageInk {
  width: number;
  height: number;
  inked: number;
}

/** Rasterises every page with poppler's pdftoppm (grey PGM) and measures its ink; also its text (pdftotext). */
export function pdfPages(pdf: Buffer): { pages: PageInk[]; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', '40', '-gray', file, join(dir, 'page')]);
    const pages = readdirSync(dir)
      .filter((n) => n.endsWith('.pgm'))
      .sort()
      .map((n) => ink(readFileSync(join(dir, n))));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    return { pages, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Binary PGM (P5, 8-bit): header "P5 w h 255" then one byte per pixel. */
function ink(pgm: Buffer): PageInk {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (const v of pixels) if (v < 200) dark++;
  return { width, height, inked: dark / (width * height) };
}
