/**
 * One alert as a small document — a headline, sections of items, links — rendered twice: as plain text (what
 * an SNS email subscription delivers) and as HTML (the other half of a multipart/alternative message). Both
 * parts carry the same facts; the HTML adds structure, colour per section and clickable links, and keeps SQL
 * and sample tables monospaced. Inline styles only: mail clients drop <style> blocks and external CSS.
 */
import { MAX_BODY_BYTES, toSingleLine, truncateUtf8 } from './email-limits';

export type SectionTone = 'failure' | 'resolved' | 'open' | 'warning' | 'info';

export interface EmailItem {
  title: string;
  /** Preformatted lines (tables, SQL, errors): monospaced in HTML. */
  lines: string[];
}

export interface EmailSection {
  title: string;
  tone: SectionTone;
  items: EmailItem[];
}

export interface EmailDocument {
  subject: string;
  headline: string;
  /** `Label: value` facts under the headline (trigger, execution, project). */
  facts: [string, string][];
  sections: EmailSection[];
  links: { label: string; url: string }[];
  /** Preformatted closing lines (replay commands). */
  footer: string[];
}

const RULE = '='.repeat(78);

export function renderText(doc: EmailDocument, maxBytes = MAX_BODY_BYTES): string {
  const width = Math.max(0, ...doc.facts.map(([label]) => label.length)) + 2;
  const lines = [doc.headline, ''];
  for (const [label, value] of doc.facts) lines.push(`${`${label}:`.padEnd(width)}${toSingleLine(value)}`);
  if (doc.facts.length > 0) lines.push('');
  for (const section of doc.sections) {
    lines.push(RULE, toSingleLine(section.title), RULE);
    for (const item of section.items) {
      lines.push(item.lines.length > 0 ? `* ${toSingleLine(item.title)}` : `  - ${toSingleLine(item.title)}`);
      if (item.lines.length > 0) lines.push('', ...item.lines, '');
    }
    lines.push('');
  }
  if (doc.links.length > 0) {
    lines.push(RULE, 'LINKS', RULE);
    for (const link of doc.links) lines.push(`${link.label}:`, `  ${link.url}`);
    lines.push('');
  }
  lines.push(...doc.footer);
  const text = `${lines.join('\n').trimEnd()}\n`;
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note = '\n[… cut to fit the email size limit; see the execution in the Step Functions console]\n';
  return truncateUtf8(text, maxBytes - Buffer.byteLength(note)) + note;
}

const TONE_COLOURS: Record<SectionTone, { accent: string; background: string }> = {
  failure: { accent: '#b42318', background: '#fef3f2' },
  resolved: { accent: '#067647', background: '#ecfdf3' },
  open: { accent: '#b54708', background: '#fffaeb' },
  warning: { accent: '#8e6a00', background: '#fefbe8' },
  info: { accent: '#344054', background: '#f9fafb' },
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Only http(s) links become anchors; anything else is shown as text. */
function link(url: string, label: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" style="color:#175cd3">${escapeHtml(label)}</a>` : escapeHtml(label);
}

export function renderHtml(doc: EmailDocument): string {
  const font = 'font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif';
  const mono = 'font-family:SFMono-Regular,Consolas,Menlo,monospace;font-size:12px';
  const facts = doc.facts.map(([label, value]) =>
    `<tr><td style="padding:2px 12px 2px 0;color:#667085;vertical-align:top">${escapeHtml(label)}</td><td style="padding:2px 0;word-break:break-all">${escapeHtml(value)}</td></tr>`).join('');
  const sections = doc.sections.map((section) => {
    const tone = TONE_COLOURS[section.tone];
    const items = section.items.map((item) => item.lines.length === 0
      ? `<li style="margin:4px 0">${escapeHtml(item.title)}</li>`
      : `<li style="margin:12px 0;list-style:none"><div style="font-weight:600;margin-bottom:6px">${escapeHtml(item.title)}</div><pre style="${mono};background:#ffffff;border:1px solid #eaecf0;border-radius:6px;padding:10px;overflow-x:auto;white-space:pre;margin:0">${escapeHtml(item.lines.join('\n'))}</pre></li>`).join('');
    return `<div style="border-left:4px solid ${tone.accent};background:${tone.background};border-radius:6px;padding:12px 16px;margin:16px 0">`
      + `<h2 style="${font};font-size:16px;color:${tone.accent};margin:0 0 8px 0">${escapeHtml(section.title)}</h2>`
      + `<ul style="${font};font-size:14px;padding-left:20px;margin:0">${items}</ul></div>`;
  }).join('');
  const links = doc.links.length === 0 ? '' : `<p style="${font};font-size:14px">${doc.links.map((l) => link(l.url, l.label)).join(' &middot; ')}</p>`;
  const footer = doc.footer.length === 0 ? '' : `<pre style="${mono};color:#475467;white-space:pre-wrap">${escapeHtml(doc.footer.join('\n'))}</pre>`;
  return '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>'
    + `${escapeHtml(doc.subject)}</title></head><body style="margin:0;padding:0;background:#ffffff">`
    + `<div style="max-width:760px;margin:0 auto;padding:16px;${font};color:#101828">`
    + `<h1 style="font-size:20px;margin:0 0 12px 0">${escapeHtml(doc.headline)}</h1>`
    + `<table style="${font};font-size:13px;border-collapse:collapse">${facts}</table>${sections}${links}${footer}</div></body></html>`;
}
