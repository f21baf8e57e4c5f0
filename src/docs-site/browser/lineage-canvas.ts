/**
 * A canvas renderer for lineage views of any size: nodes and edges drawn in one pass per frame with everything
 * outside the viewport skipped, pan by dragging, zoom with the wheel (or the buttons), click to select,
 * double-click to focus a node or open a folded group.
 */
import type { LineageView } from './lineage-graph';
import { NODE_H, NODE_W, type Placed } from './lineage-layout';

const COLORS: Record<string, string> = {
  model: '#2b6cb0', source: '#2f855a', seed: '#6b46c1', snapshot: '#b7791f', exposure: '#c05621', metric: '#c05621',
  semantic_model: '#c05621', saved_query: '#c05621', analysis: '#4a5568', group: '#718096',
};

export interface CanvasEvents {
  onSelect(item: number): void;
  onOpen(item: number): void;
}

export class LineageCanvas {
  private scale = 1;
  private dx = 0;
  private dy = 0;
  private selected = -1;
  private frame = 0;
  readonly canvas: HTMLCanvasElement;

  constructor(host: HTMLElement, private view: LineageView, private pos: Placed[], private focusItem: number, private events: CanvasEvents) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'lineage-canvas';
    host.append(this.canvas);
    this.resize();
    this.fit();
    this.bind();
  }

  resize(): void {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.draw();
  }

  /** Centre the focus; zoom so the whole view fits when it can be read, else stay at a readable scale. */
  fit(): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
    for (const p of this.pos) { minX = Math.min(minX, p.x); minY = Math.min(minY, p.y); maxX = Math.max(maxX, p.x + NODE_W); maxY = Math.max(maxY, p.y + NODE_H); }
    const fits = Math.min((width - 40) / (maxX - minX || 1), (height - 40) / (maxY - minY || 1));
    this.scale = Math.max(0.35, Math.min(1.2, fits));
    // The whole view when it fits at a readable scale; else the focus in the middle.
    const f = fits >= 0.35 ? { x: (minX + maxX) / 2 - NODE_W / 2, y: (minY + maxY) / 2 - NODE_H / 2 } : this.pos[this.focusItem] ?? { x: 0, y: 0 };
    this.dx = width / 2 - (f.x + NODE_W / 2) * this.scale;
    this.dy = height / 2 - (f.y + NODE_H / 2) * this.scale;
    this.draw();
  }

  zoom(factor: number, cx?: number, cy?: number): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const x = cx ?? width / 2;
    const y = cy ?? height / 2;
    const next = Math.max(0.05, Math.min(4, this.scale * factor));
    this.dx = x - ((x - this.dx) * next) / this.scale;
    this.dy = y - ((y - this.dy) * next) / this.scale;
    this.scale = next;
    this.draw();
  }

  private hit(clientX: number, clientY: number): number {
    const r = this.canvas.getBoundingClientRect();
    const x = (clientX - r.left - this.dx) / this.scale;
    const y = (clientY - r.top - this.dy) / this.scale;
    return this.pos.findIndex((p) => x >= p.x && x <= p.x + NODE_W && y >= p.y && y <= p.y + NODE_H);
  }

  private bind(): void {
    let drag: { x: number; y: number; moved: boolean } | undefined;
    this.canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY, moved: false }; });
    window.addEventListener('mousemove', (e) => {
      if (!drag) return;
      const mx = e.clientX - drag.x; const my = e.clientY - drag.y;
      if (Math.abs(mx) + Math.abs(my) > 2) drag.moved = true;
      this.dx += mx; this.dy += my; drag.x = e.clientX; drag.y = e.clientY;
      this.draw();
    });
    window.addEventListener('mouseup', (e) => {
      if (drag && !drag.moved && e.target === this.canvas) {
        const i = this.hit(e.clientX, e.clientY);
        if (i >= 0) { this.selected = i; this.events.onSelect(i); this.draw(); }
      }
      drag = undefined;
    });
    this.canvas.addEventListener('dblclick', (e) => { const i = this.hit(e.clientX, e.clientY); if (i >= 0) this.events.onOpen(i); });
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.canvas.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    new ResizeObserver(() => this.resize()).observe(this.canvas);
  }

  /** Draws on the next animation frame (several changes in one frame draw once). */
  draw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.drawNow(); });
  }

  drawNow(): void {
    const ctx = this.canvas.getContext('2d')!;
    const ratio = window.devicePixelRatio || 1;
    const w = this.canvas.width / ratio; const hgt = this.canvas.height / ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    ctx.translate(this.dx, this.dy);
    ctx.scale(this.scale, this.scale);
    const x0 = -this.dx / this.scale; const y0 = -this.dy / this.scale;
    const x1 = x0 + w / this.scale; const y1 = y0 + hgt / this.scale;
    const visible = (p: Placed) => p.x + NODE_W >= x0 && p.x <= x1 && p.y + NODE_H >= y0 && p.y <= y1;
    ctx.strokeStyle = 'rgba(74,85,104,0.45)';
    ctx.lineWidth = 1 / Math.max(this.scale, 0.5);
    ctx.beginPath();
    for (const [a, b] of this.view.edges) {
      const p = this.pos[a]!; const q = this.pos[b]!;
      const ax = p.x + NODE_W; const ay = p.y + NODE_H / 2; const bx = q.x; const by = q.y + NODE_H / 2;
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
      const mid = (ax + bx) / 2;
      ctx.moveTo(ax, ay);
      ctx.bezierCurveTo(mid, ay, mid, by, bx, by);
    }
    ctx.stroke();
    const labels = this.scale >= 0.3;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    this.view.items.forEach((item, i) => {
      const p = this.pos[i]!;
      if (!visible(p)) return;
      ctx.fillStyle = i === this.focusItem ? '#1a202c' : COLORS[item.type] ?? '#4a5568';
      ctx.fillRect(p.x, p.y, NODE_W, NODE_H);
      if (i === this.selected) { ctx.strokeStyle = '#f6ad55'; ctx.lineWidth = 3; ctx.strokeRect(p.x - 1, p.y - 1, NODE_W + 2, NODE_H + 2); }
      if (labels) {
        ctx.fillStyle = '#fff';
        const text = item.label.length > 26 ? `${item.label.slice(0, 25)}…` : item.label;
        ctx.fillText(text, p.x + 6, p.y + NODE_H / 2, NODE_W - 10);
      }
    });
  }
}
