// Draws Elevate's icon set into public/ from one SVG: favicon.svg, favicon.ico (16, 32 and
// 48 px PNGs in an ICO container), PNGs for the web manifest and Apple's home screen.
// `node scripts/icons.mjs` — run again after changing the drawing; the outputs are committed.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const out = path.join(process.cwd(), 'public');
const INDIGO = '#4f46e5';
// an upward chevron over a bar: access raised for a while, then back down
const mark = (scale) => {
  const t = (v) => 32 + (v - 32) * scale;
  const stroke = `stroke="#fff" stroke-width="${7 * scale}" stroke-linecap="round"`;
  return `<path d="M${t(18)} ${t(37)} L32 ${t(23)} L${t(46)} ${t(37)}" fill="none" ${stroke} stroke-linejoin="round"/>
  <path d="M${t(22)} ${t(47)} H${t(42)}" ${stroke} opacity=".65"/>`;
};
const icon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="14" fill="${INDIGO}"/>
  ${mark(1)}
</svg>
`;
// maskable: the background bleeds to the edges and the mark stays inside the 80 % safe zone
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" fill="${INDIGO}"/>
  ${mark(0.75)}
</svg>
`;

const png = (svg, size) =>
  sharp(Buffer.from(svg), { density: Math.max(72, (72 * size) / 64) })
    .resize(size, size)
    .png()
    .toBuffer();

/** An ICO file whose images are PNGs (read by every browser and by Windows since Vista). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2);
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

fs.mkdirSync(path.join(out, 'icons'), { recursive: true });
fs.writeFileSync(path.join(out, 'favicon.svg'), icon);
fs.writeFileSync(
  path.join(out, 'favicon.ico'),
  ico(await Promise.all([16, 32, 48].map(async (size) => ({ size, data: await png(icon, size) })))),
);
for (const size of [192, 512]) fs.writeFileSync(path.join(out, 'icons', `icon-${size}.png`), await png(icon, size));
fs.writeFileSync(path.join(out, 'icons', 'icon-maskable-512.png'), await png(maskable, 512));
fs.writeFileSync(path.join(out, 'icons', 'apple-touch-icon.png'), await png(maskable, 180));
console.log('icons written to public/');
