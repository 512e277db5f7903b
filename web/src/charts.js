// Charts and their table alternatives. Sparklines are small inline SVGs
// (decorative: the card states the value in text); full charts use uPlot
// on a canvas labelled for screen readers, always followed by a table of
// the same values (WCAG 1.1.1: every chart has a text alternative).
import uPlot from 'uplot';
import { t, formatNumber, formatTime, locale } from './i18n.js';

const PALETTE = ['#0b5cad', '#b3261e', '#1b7f3b', '#7a4cc2', '#9a5b00', '#00696f'];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function sparkline(values, width = 220, height = 44) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const pts = values.filter(([, v]) => Number.isFinite(v));
  if (pts.length < 2) return svg;
  const xs = pts.map(p => p[0]);
  const ys = pts.map(p => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-9) { y0 -= 1; y1 += 1; }
  const sx = x => ((x - x0) / (x1 - x0 || 1)) * (width - 4) + 2;
  const sy = y => height - 3 - ((y - y0) / (y1 - y0)) * (height - 6);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', pts.map((p, i) => `${i ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(''));
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  svg.append(path);
  return svg;
}

// series: [{label, values: [[ms, v], ...]}]
export function lineChart(container, series, { unit = '', label = '' } = {}) {
  container.replaceChildren();
  const times = [...new Set(series.flatMap(s => s.values.map(v => v[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((x, i) => [x, i]));
  const data = [times.map(x => x / 1000)];
  for (const s of series) {
    const col = new Array(times.length).fill(null);
    for (const [x, v] of s.values) col[index.get(x)] = Number.isFinite(v) ? v : null;
    data.push(col);
  }
  const figure = el('figure', { class: 'chart' });
  const canvasHost = el('div', { role: 'img', 'aria-label': `${label} (${unit})` });
  figure.append(canvasHost);
  container.append(figure);
  const width = Math.max(300, Math.min(container.clientWidth || 800, 1100));
  const fmt = new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 });
  const plot = new uPlot({
    width, height: 300,
    scales: { x: { time: true } },
    axes: [{ stroke: '#333', size: 50, values: (u, splits) => timeLabels(splits) }, { stroke: '#333', values: (u, ticks) => ticks.map(v => fmt.format(v)), size: 70 }],
    series: [{}, ...series.map((s, i) => ({
      label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false,
      value: (u, v) => (v === null ? '–' : fmt.format(v)),
    }))],
    legend: { show: series.length > 1 },
    cursor: { drag: { x: false, y: false } },
  }, data, canvasHost);
  figure.append(tableAlternative(series, unit));
  return { plot, data, index, times };
}

// Axis labels in the page's locale: dates for long ranges, times for short.
function timeLabels(splits) {
  if (!splits.length) return [];
  const span = splits[splits.length - 1] - splits[0];
  const opts = span > 2 * 86400 ? { day: 'numeric', month: 'short' }
    : span > 120 ? { hour: '2-digit', minute: '2-digit' }
      : { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  const f = new Intl.DateTimeFormat(locale(), opts);
  return splits.map(s => f.format(new Date(s * 1000)));
}

export function tableAlternative(series, unit, max = 500) {
  const details = el('details', { class: 'table-alt' });
  details.append(el('summary', { text: t('chart_table') }));
  const table = el('table');
  const head = el('tr', {}, el('th', { scope: 'col', text: t('time') }),
    ...series.map(s => el('th', { scope: 'col', text: `${s.label || t('value')}${unit ? ` (${unit})` : ''}` })));
  table.append(el('thead', {}, head));
  const times = [...new Set(series.flatMap(s => s.values.map(v => v[0])))].sort((a, b) => b - a).slice(0, max);
  const lookup = series.map(s => new Map(s.values));
  const body = el('tbody');
  for (const x of times) {
    body.append(el('tr', {}, el('th', { scope: 'row', text: formatTime(x) }),
      ...lookup.map(m => el('td', { class: 'num', text: formatNumber(m.get(x)) }))));
  }
  table.append(body);
  details.append(table);
  return details;
}

export function labelText(labels) {
  const entries = Object.entries(labels || {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '';
}
