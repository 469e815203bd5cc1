// The demo's sample folder: real JPEG photos with EXIF (camera, capture date) drawn by sharp from
// small generated scenes, a few PNG scans, and a short MP4 (clip.mp4, made by make.sh beside this
// file and committed, so the demo needs no ffmpeg). Files carry their capture date as mtime too.
import { copyFile, mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

type Scene = 'party' | 'drawing' | 'beach' | 'sunset' | 'city' | 'mountain' | 'garden';

interface Item {
  rel: string;
  scene: Scene;
  /** Local time the photo was "taken". */
  taken: string;
}

const CLIP = fileURLToPath(new URL('./clip.mp4', import.meta.url));
const WIDTH = 960;
const HEIGHT = 720;

/** Numbered shots of one scene, a few minutes apart. */
function series(folder: string, name: string, scene: Scene, count: number, start: string): Item[] {
  const t0 = Date.parse(`${start}Z`);
  return Array.from({ length: count }, (_, i) => ({
    rel: `${folder}/${name}-${String(i + 1).padStart(2, '0')}.jpg`,
    scene,
    taken: new Date(t0 + i * 7 * 60_000).toISOString().slice(0, 19),
  }));
}

const PHOTOS: Item[] = [
  ...series('Family & Friends', 'birthday', 'party', 5, '2024-03-09T15:20:00'),
  { rel: 'Trips/overview.jpg', scene: 'mountain', taken: '2023-12-30T11:00:00' },
  ...series('Trips/Île de Ré 🏝', 'beach', 'beach', 4, '2023-07-14T10:05:00'),
  ...series('Trips/Île de Ré 🏝', 'sunset', 'sunset', 2, '2023-07-14T21:40:00'),
  ...series('Trips/Tokyo 東京', 'shibuya', 'city', 5, '2023-10-02T19:30:00'),
  ...series('Trips/Alps 2019', 'summit', 'mountain', 3, '2019-08-21T09:15:00'),
  ...series('Garden', 'flowers', 'garden', 4, '2024-05-18T08:45:00'),
];

const SCANS: Item[] = [
  { rel: 'Family & Friends/drawing.png', scene: 'drawing', taken: '2024-04-02T17:00:00' },
  { rel: 'Scans/1998/school.png', scene: 'city', taken: '1998-09-01T08:30:00' },
  { rel: 'Scans/1998/class photo.png', scene: 'party', taken: '1998-06-20T10:00:00' },
  { rel: 'Scans/2003/graduation.png', scene: 'garden', taken: '2003-06-28T14:00:00' },
];

const VIDEO: Item = { rel: 'Trips/Tokyo 東京/street.mp4', scene: 'city', taken: '2023-10-02T20:10:00' };

/** A small deterministic generator, so the sample is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sky(top: string, bottom: string): string {
  return `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs><rect width="${WIDTH}" height="${HEIGHT}" fill="url(#sky)"/>`;
}

function hsl(h: number, s: number, l: number): string {
  return `hsl(${Math.round(h)},${Math.round(s)}%,${Math.round(l)}%)`;
}

function draw(scene: Scene, seed: number): string {
  const r = random(seed);
  const n = (min: number, max: number) => min + r() * (max - min);
  const parts: string[] = [];
  const W = WIDTH;
  const H = HEIGHT;
  switch (scene) {
    case 'beach': {
      const horizon = n(0.42, 0.55) * H;
      parts.push(sky(hsl(n(195, 215), 80, n(55, 70)), '#eaf6ff'));
      parts.push(`<circle cx="${n(100, W - 100)}" cy="${n(60, 160)}" r="${n(35, 55)}" fill="#fff6c8"/>`);
      for (let i = 0; i < 4; i++) {
        parts.push(
          `<ellipse cx="${n(0, W)}" cy="${n(40, horizon - 60)}" rx="${n(60, 140)}" ry="${n(14, 28)}" fill="#ffffff" opacity="0.85"/>`,
        );
      }
      parts.push(
        `<rect y="${horizon}" width="${W}" height="${H}" fill="${hsl(n(190, 205), 70, n(35, 45))}"/>`,
      );
      parts.push(
        `<path d="M0 ${horizon + n(90, 160)} Q ${W / 2} ${horizon + n(40, 120)} ${W} ${horizon + n(90, 180)} L ${W} ${H} L 0 ${H} Z" fill="${hsl(n(38, 46), 60, n(72, 82))}"/>`,
      );
      parts.push(
        `<rect x="${n(100, W - 200)}" y="${H - n(120, 200)}" width="${n(80, 140)}" height="${n(40, 60)}" rx="6" fill="${hsl(n(0, 360), 70, 55)}"/>`,
      );
      break;
    }
    case 'sunset': {
      const horizon = n(0.5, 0.62) * H;
      parts.push(sky(hsl(n(260, 290), 50, 30), hsl(n(15, 35), 95, 60)));
      parts.push(
        `<circle cx="${n(W * 0.3, W * 0.7)}" cy="${horizon}" r="${n(60, 110)}" fill="${hsl(n(30, 45), 100, 65)}"/>`,
      );
      parts.push(`<rect y="${horizon}" width="${W}" height="${H}" fill="${hsl(n(220, 240), 40, 18)}"/>`);
      for (let i = 0; i < 14; i++) {
        const y = horizon + 10 + i * n(12, 20);
        parts.push(
          `<rect x="${W / 2 - n(20, 120)}" y="${y}" width="${n(60, 240)}" height="3" fill="#ffb347" opacity="${n(0.3, 0.8)}"/>`,
        );
      }
      break;
    }
    case 'city': {
      parts.push(sky('#070b24', hsl(n(230, 260), 45, 22)));
      let x = 0;
      while (x < W) {
        const w = n(60, 130);
        const h = n(H * 0.3, H * 0.85);
        parts.push(
          `<rect x="${x}" y="${H - h}" width="${w}" height="${h}" fill="${hsl(n(220, 240), 15, n(12, 22))}"/>`,
        );
        for (let wy = H - h + 14; wy < H - 20; wy += 22) {
          for (let wx = x + 8; wx < x + w - 14; wx += 18) {
            if (r() < 0.45) parts.push(`<rect x="${wx}" y="${wy}" width="9" height="12" fill="#ffe08a"/>`);
          }
        }
        if (r() < 0.4) {
          parts.push(
            `<rect x="${x + 6}" y="${H - h + n(30, 120)}" width="${w - 12}" height="16" fill="${hsl(n(290, 340), 100, 60)}"/>`,
          );
        }
        x += w + n(2, 14);
      }
      break;
    }
    case 'mountain': {
      parts.push(sky(hsl(n(200, 215), 70, n(45, 60)), '#f4f8ff'));
      for (let layer = 0; layer < 3; layer++) {
        const base = H * (0.55 + layer * 0.15);
        const peak = n(W * 0.2, W * 0.8);
        const top = base - n(H * 0.25, H * 0.45);
        const light = 30 + layer * 12;
        parts.push(
          `<polygon points="${peak - n(300, 500)},${H} ${peak},${top} ${peak + n(300, 500)},${H}" fill="${hsl(n(200, 230), 20, light)}"/>`,
        );
        if (layer === 0)
          parts.push(
            `<polygon points="${peak - 50},${top + 60} ${peak},${top} ${peak + 50},${top + 60}" fill="#ffffff"/>`,
          );
        parts.push(
          `<rect y="${base + H * 0.1}" width="${W}" height="${H}" fill="${hsl(n(100, 130), 35, 28 + layer * 6)}"/>`,
        );
      }
      break;
    }
    case 'garden': {
      parts.push(sky(hsl(n(195, 210), 70, 70), '#f0fff0'));
      parts.push(
        `<rect y="${H * 0.45}" width="${W}" height="${H}" fill="${hsl(n(95, 125), 50, n(30, 42))}"/>`,
      );
      for (let i = 0; i < 40; i++) {
        const cx = n(0, W);
        const cy = n(H * 0.5, H);
        const size = n(8, 22) * (cy / H);
        parts.push(
          `<line x1="${cx}" y1="${cy}" x2="${cx}" y2="${cy + size * 3}" stroke="#2e6b1f" stroke-width="3"/>`,
        );
        parts.push(`<circle cx="${cx}" cy="${cy}" r="${size}" fill="${hsl(n(0, 360), 85, 62)}"/>`);
        parts.push(`<circle cx="${cx}" cy="${cy}" r="${size / 3}" fill="#ffd93b"/>`);
      }
      break;
    }
    case 'party': {
      parts.push(`<rect width="${W}" height="${H}" fill="${hsl(n(20, 50), 60, n(80, 88))}"/>`);
      parts.push(`<rect y="${H * 0.72}" width="${W}" height="${H}" fill="${hsl(n(20, 35), 40, 45)}"/>`);
      parts.push(
        `<rect x="${W / 2 - 110}" y="${H * 0.55}" width="220" height="${H * 0.17}" rx="10" fill="#fff0f5"/>`,
      );
      for (let i = 0; i < 5; i++) {
        parts.push(
          `<rect x="${W / 2 - 80 + i * 38}" y="${H * 0.55 - 40}" width="8" height="40" fill="${hsl(n(0, 360), 80, 60)}"/>`,
        );
      }
      for (let i = 0; i < 9; i++) {
        const cx = n(40, W - 40);
        const cy = n(60, H * 0.45);
        parts.push(
          `<line x1="${cx}" y1="${cy + 45}" x2="${cx + n(-30, 30)}" y2="${cy + 170}" stroke="#555" stroke-width="2"/>`,
        );
        parts.push(`<ellipse cx="${cx}" cy="${cy}" rx="34" ry="45" fill="${hsl(n(0, 360), 85, 58)}"/>`);
      }
      break;
    }
    case 'drawing': {
      parts.push(`<rect width="${W}" height="${H}" fill="#fdfcf7"/>`);
      parts.push(`<circle cx="${W - 120}" cy="110" r="60" fill="none" stroke="#f5b800" stroke-width="10"/>`);
      parts.push(
        `<rect x="260" y="330" width="320" height="250" fill="none" stroke="#d62828" stroke-width="10"/>`,
      );
      parts.push(
        `<polygon points="240,340 420,190 600,340" fill="none" stroke="#1d3557" stroke-width="10"/>`,
      );
      parts.push(
        `<path d="M0 ${H - 60} Q ${W / 4} ${H - 100} ${W / 2} ${H - 60} T ${W} ${H - 60}" fill="none" stroke="#2a9d8f" stroke-width="12"/>`,
      );
      break;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
}

/** EXIF's "YYYY:MM:DD HH:MM:SS". */
function exifDate(taken: string): string {
  return taken.replace('T', ' ').replaceAll('-', ':');
}

async function place(root: string, item: Item, bytes: Buffer | null): Promise<void> {
  const file = join(root, item.rel);
  await mkdir(dirname(file), { recursive: true });
  if (bytes) await writeFile(file, bytes);
  else await copyFile(CLIP, file);
  const when = new Date(`${item.taken}Z`);
  await utimes(file, when, when);
}

export interface Sample {
  root: string;
  photos: number;
  scans: number;
  videos: number;
  folders: number;
  files: number;
}

export async function makeSampleFolder(root: string): Promise<Sample> {
  await Promise.all(
    PHOTOS.map(async (item, i) => {
      const jpeg = await sharp(Buffer.from(draw(item.scene, i + 1)))
        .jpeg({ quality: 82, mozjpeg: true })
        .withExif({
          IFD0: { Make: 'Safelight', Model: 'Demo Camera', Software: 'safelight demo' },
          IFD2: { DateTimeOriginal: exifDate(item.taken), DateTimeDigitized: exifDate(item.taken) },
        })
        .toBuffer();
      await place(root, item, jpeg);
    }),
  );
  await Promise.all(
    SCANS.map(async (item, i) => {
      const image = sharp(Buffer.from(draw(item.scene, 100 + i)));
      const png = item.rel.startsWith('Scans/')
        ? await image.resize(640).modulate({ saturation: 0.15 }).tint('#8a6a45').png().toBuffer()
        : await image.resize(640).png().toBuffer();
      await place(root, item, png);
    }),
  );
  await place(root, VIDEO, null);
  const all = [...PHOTOS, ...SCANS, VIDEO];
  const folders = new Set(
    all.flatMap((i) =>
      i.rel
        .split('/')
        .slice(0, -1)
        .map((_, k, a) => a.slice(0, k + 1).join('/')),
    ),
  );
  return {
    root,
    photos: PHOTOS.length,
    scans: SCANS.length,
    videos: 1,
    folders: folders.size,
    files: all.length,
  };
}
