// Map without tiles: districts (from the demo's `district` measurement or
// any series with district tags) and sensors with a position in their
// metadata, projected onto an SVG; a table lists the same.
import { getJson, query } from '../api.js';
import { el } from '../charts.js';
import { t, formatNumber } from '../i18n.js';

export async function renderMap(main) {
  const [districtDoc, catalog] = await Promise.all([
    query({ measurement: 'district', start: 'now-3d', agg: 'last', step: '3d' }).catch(() => ({ series: [] })),
    getJson('/api/v1/series'),
  ]);
  const districts = new Map();
  for (const s of districtDoc.series || []) {
    const name = s.tags.district;
    const d = districts.get(name) || { name };
    d[s.field] = s.values.at(-1)?.[1];
    districts.set(name, d);
  }
  const sensors = new Map();
  for (const s of catalog.series || []) {
    if (!s.location) continue;
    const key = `${s.measurement}:${labelOf(s)}`;
    if (!sensors.has(key)) sensors.set(key, { name: s.description || labelOf(s), measurement: s.measurement, ...s.location });
  }
  const points = [...districts.values()].filter(d => Number.isFinite(d.lat)).concat([...sensors.values()]);
  const W = 800, H = 520;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('map_title'));
  svg.setAttribute('class', 'map');
  if (points.length) {
    const lats = points.map(p => p.lat), lons = points.map(p => p.lon);
    const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
    const k = Math.cos((la0 + la1) / 2 * Math.PI / 180);
    const scale = Math.min((W - 80) / ((lo1 - lo0) * k || 1), (H - 80) / ((la1 - la0) || 1));
    const x = lon => 40 + (lon - lo0) * k * scale;
    const y = lat => H - 40 - (lat - la0) * scale;
    for (const d of districts.values()) {
      if (!Number.isFinite(d.lat)) continue;
      const c = document.createElementNS(ns, 'circle');
      c.setAttribute('cx', x(d.lon)); c.setAttribute('cy', y(d.lat));
      c.setAttribute('r', 8 + Math.sqrt(d.inhabitants || 0) / 8);
      c.setAttribute('class', 'district');
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', x(d.lon)); label.setAttribute('y', y(d.lat) + 4);
      label.setAttribute('text-anchor', 'middle');
      label.textContent = d.name;
      svg.append(c, label);
    }
    for (const s of sensors.values()) {
      const c = document.createElementNS(ns, 'circle');
      c.setAttribute('cx', x(s.lon)); c.setAttribute('cy', y(s.lat)); c.setAttribute('r', 4);
      c.setAttribute('class', `sensor m-${s.measurement}`);
      svg.append(c);
    }
  }
  const table = el('table', {},
    el('caption', { text: t('district') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('district') }), el('th', { scope: 'col', text: t('inhabitants') }), el('th', { scope: 'col', text: t('position') }))),
    el('tbody', {}, [...districts.values()].map(d => el('tr', {}, el('th', { scope: 'row', text: d.name }),
      el('td', { class: 'num', text: formatNumber(d.inhabitants, 0) }),
      el('td', { text: `${formatNumber(d.lat, 4)}, ${formatNumber(d.lon, 4)}` })))));
  const sensorTable = el('table', {},
    el('caption', { text: t('sensors') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('sensors') }), el('th', { scope: 'col', text: t('measurement') }), el('th', { scope: 'col', text: t('position') }))),
    el('tbody', {}, [...sensors.values()].map(s => el('tr', {}, el('th', { scope: 'row', text: s.name }),
      el('td', { text: s.measurement }), el('td', { text: `${formatNumber(s.lat, 4)}, ${formatNumber(s.lon, 4)}` })))));
  main.replaceChildren(el('h1', { text: t('map_title') }), el('p', { text: t('map_intro') }), svg, table, sensorTable);
  main.dataset.ready = 'true';
}

function labelOf(s) {
  return Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(',');
}
