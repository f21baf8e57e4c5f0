/**
 * A small SVG bar chart: per measure, a landfall bar and a dbt-core bar on a logarithmic scale (the values
 * differ by orders of magnitude), each labelled with its time.
 */
export interface ChartGroup {
  label: string;
  landfall: number;
  dbt: number;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const formatMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);

export function renderChart(groups: ChartGroup[]): string {
  const width = 760;
  const labelWidth = 230;
  const barArea = width - labelWidth - 90;
  const rowHeight = 18;
  const groupHeight = rowHeight * 2 + 16;
  const height = 40 + groups.length * groupHeight + 24;
  const values = groups.flatMap((g) => [g.landfall, g.dbt]).filter((v) => v > 0);
  const low = Math.floor(Math.log10(Math.min(...values))) ;
  const high = Math.ceil(Math.log10(Math.max(...values)));
  const x = (v: number) => ((Math.log10(Math.max(v, 10 ** low)) - low) / (high - low)) * barArea;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">landfall vs dbt-core (milliseconds, log scale; shorter is better)</text>`,
  ];
  groups.forEach((group, i) => {
    const top = 36 + i * groupHeight;
    parts.push(`<text x="10" y="${top + rowHeight + 4}">${escapeXml(group.label)}</text>`);
    const bars: [string, number, string][] = [['landfall', group.landfall, '#1b7f5b'], ['dbt-core', group.dbt, '#d9822b']];
    bars.forEach(([name, value, color], j) => {
      const y = top + j * rowHeight;
      const w = Math.max(2, x(value));
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 4}" fill="${color}"><title>${name}: ${formatMs(value)}</title></rect>`);
      parts.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + rowHeight - 7}">${name} ${formatMs(value)}</text>`);
    });
  });
  parts.push(`<text x="${labelWidth}" y="${height - 8}" fill="#555">axis: 10^${low} … 10^${high} ms</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}
