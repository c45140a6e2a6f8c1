// Rasterizes the extension icon: media/icons/prodlens.svg → media/icon.png (256×256, transparent corners), with
// Debian's chromium through playwright-core (the Marketplace and Open VSX want a PNG of at least 128×128; an SVG
// icon is refused). The PNG records the SHA-256 of the SVG it was made from in a tEXt chunk, so a test notices
// an SVG edited without running this again:  node scripts/make-icon.mjs
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SVG = path.join(root, 'media', 'icons', 'prodlens.svg');
export const ICON_PNG = path.join(root, 'media', 'icon.png');
export const ICON_SIZE = 256;
/** tEXt keyword under which the PNG names its source. */
export const SOURCE_KEYWORD = 'prodlens-source-sha256';
const CHROMIUM = '/usr/bin/chromium';

/** SHA-256 (hex) of the icon's SVG source. */
export function svgHash(svg = readFileSync(ICON_SVG)) {
  return createHash('sha256').update(svg).digest('hex');
}

/**
 * The chunks of a PNG file: type, data. Throws on a file that is not a PNG.
 * @param {Buffer} png
 */
export function pngChunks(png) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!png.subarray(0, 8).equals(signature)) throw new Error('not a PNG file');
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** Width, height, colour type and the tEXt entries of a PNG. */
export function pngInfo(png) {
  const chunks = pngChunks(png);
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR') throw new Error('PNG without IHDR');
  const text = {};
  for (const c of chunks.filter((x) => x.type === 'tEXt')) {
    const nul = c.data.indexOf(0);
    text[c.data.toString('latin1', 0, nul)] = c.data.toString('latin1', nul + 1);
  }
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4), colorType: ihdr.data[9], text };
}

/** The PNG with a tEXt chunk inserted right after IHDR. */
function withText(png, keyword, value) {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]);
  const typeAndData = Buffer.concat([Buffer.from('tEXt', 'latin1'), data]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const svg = readFileSync(ICON_SVG);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: ICON_SIZE, height: ICON_SIZE }, deviceScaleFactor: 1 });
    const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${src}" width="${ICON_SIZE}" height="${ICON_SIZE}" style="display:block"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: ICON_SIZE, height: ICON_SIZE } });
    writeFileSync(ICON_PNG, withText(png, SOURCE_KEYWORD, svgHash(svg)));
  } finally {
    await browser.close();
  }
  const info = pngInfo(readFileSync(ICON_PNG));
  process.stdout.write(`${path.relative(root, ICON_PNG)}: ${info.width}×${info.height}, from ${path.relative(root, ICON_SVG)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`make-icon: ${error.message}\n`);
    process.exit(1);
  });
}
