import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the PNG rasteriser will use for text. */
export interface FontChoice {
  /** Number of font files found in the usual system font folders. */
  fontFiles: number;
  /** A family known to exist (e.g. "DejaVu Sans"), or undefined to let resvg take the first system font. */
  family?: string;
}

const PREFERRED: [file: RegExp, family: string][] = [
  [/^DejaVuSans\.ttf$/i, 'DejaVu Sans'],
  [/^LiberationSans-Regular\.ttf$/i, 'Liberation Sans'],
  [/^NotoSans-Regular\.(ttf|otf)$/i, 'Noto Sans'],
  [/^FreeSans\.(ttf|otf)$/i, 'FreeSans'],
];

/**
 * Looks through the usual font folders (depth-limited) for font files and a sans-serif family the
 * figures can name, so that text in the PNGs is drawn. Never throws.
 * @example `findFonts() // { fontFiles: 22, family: 'DejaVu Sans' }`
 */
export function findFonts(dirs = ['/usr/share/fonts', '/usr/local/share/fonts', join(homedir(), '.fonts'), join(homedir(), '.local/share/fonts')]): FontChoice {
  const names: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !existsSync(dir)) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name), depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) names.push(e.name);
    }
  };
  dirs.forEach((d) => walk(d, 0));
  const preferred = PREFERRED.find(([re]) => names.some((n) => re.test(n)));
  return { fontFiles: names.length, family: preferred?.[1] };
}
