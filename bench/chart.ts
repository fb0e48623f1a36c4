import { growthLabel, type Results } from './report.js';
import type { Family } from './scenarios.js';

/** A horizontal bar chart of requests/s as SVG text: drawn here, no browser involved. */

const COLORS: Record<Family | 'redis', string> = {
  koa: '#8c8c8c',
  'koa-jwt': '#e69f00',
  'koa-session': '#d55e00',
  'koa-jam': '#0072b2',
  redis: '#56b4e9',
};

const WIDTH = 980;
const LABEL = 290;
const BAR = 380;
const ROW = 24;
const LEGEND: [string, string][] = [
  ['bare Koa', COLORS.koa],
  ['koa-jam', COLORS['koa-jam']],
  ['koa-jam on Redis', COLORS.redis],
  ['koa-jwt', COLORS['koa-jwt']],
  ['koa-session', COLORS['koa-session']],
];

interface Row {
  label: string;
  rps: number;
  note: string;
  color: string;
}

export function chart(results: Results): string {
  const sections: [string, Row[]][] = [
    [
      'Requests/s on an authenticated route (median; higher is better; dashed: bare Koa)',
      results.scenarios.map((s) => ({
        label: s.label,
        rps: s.rps,
        note: `${s.ratio.toFixed(2)}× bare Koa · ${Math.round(s.cpuPerRequestUs)} µs CPU/req`,
        color: s.redis ? COLORS.redis : COLORS[s.family],
      })),
    ],
    [
      'jamSession with many live sessions',
      results.growth.map((g) => ({
        label: growthLabel(g),
        rps: g.rps,
        note: `p99 ${g.p99.toFixed(1)} ms · ${Math.round(g.cpuPerRequestUs)} µs CPU/req`,
        color: g.store === 'redis' ? COLORS.redis : COLORS['koa-jam'],
      })),
    ],
  ];
  const max = Math.max(1, ...sections.flatMap(([, rows]) => rows.map((row) => row.rps)));
  const baseline = results.scenarios[0]?.rps;
  const { machine } = results;
  const parts: string[] = [
    text(10, 22, 'koa-jam benchmarks', 'font-size="16" font-weight="bold"'),
    text(
      10,
      40,
      `${results.date.slice(0, 10)} · ${machine.cpu}, ${machine.cores} cores · node ${machine.versions.node} · ` +
        `koa ${machine.versions.koa} · koa-jam ${machine.versions['koa-jam']}`,
      'font-size="11" fill="#555"',
    ),
  ];
  LEGEND.forEach(([label, color], i) => {
    const x = 10 + i * 150;
    parts.push(`<rect x="${x}" y="50" width="12" height="12" fill="${color}"/>`, text(x + 18, 60, label));
  });
  let y = 80;
  for (const [title, rows] of sections) {
    if (rows.length === 0) continue;
    parts.push(text(10, y + 12, title, 'font-weight="bold"'));
    y += 22;
    if (baseline && rows === sections[0][1]) {
      const x = (LABEL + (baseline / max) * BAR).toFixed(1);
      const bottom = y + rows.length * ROW;
      parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${bottom}" stroke="#444" stroke-dasharray="3,3"/>`);
    }
    for (const row of rows) {
      const width = Math.max(1, (row.rps / max) * BAR);
      const value = `${Math.round(row.rps).toLocaleString('en-US')} req/s · ${row.note}`;
      parts.push(
        text(LABEL - 8, y + 16, row.label, 'text-anchor="end"'),
        `<rect x="${LABEL}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW - 8}" fill="${row.color}"/>`,
        // A white halo keeps the value readable where it crosses the baseline.
        text(
          LABEL + width + 6,
          y + 16,
          value,
          'fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke"',
        ),
      );
      y += ROW;
    }
    y += 12;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" ` +
      'font-family="Helvetica, Arial, sans-serif" font-size="12">',
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y}" ${attributes}>${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
