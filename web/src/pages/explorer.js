// Explorer: pick a measurement, field and tag filter; raw points or
// aggregated buckets of the last hours; live mode appends points as the
// server streams them (SSE).
import { getJson, query, stream } from '../api.js';
import { el, lineChart, labelText } from '../charts.js';
import { t } from '../i18n.js';

let stopLive = null;

export function leaveExplorer() {
  if (stopLive) stopLive();
  stopLive = null;
}

export async function renderExplorer(main, announce) {
  leaveExplorer();
  const catalog = (await getJson('/api/v1/series')).series || [];
  const measurements = [...new Set(catalog.map(s => s.measurement))].sort();
  const mSel = el('select', { id: 'ex-m' }, measurements.map(m => el('option', { value: m, text: m })));
  const fSel = el('select', { id: 'ex-f' });
  const tagSel = el('select', { id: 'ex-t' });
  const modeSel = el('select', { id: 'ex-mode' },
    el('option', { value: 'raw', text: t('raw') }), el('option', { value: 'agg', text: t('aggregated') }));
  const liveBox = el('input', { type: 'checkbox', id: 'ex-live' });
  const out = el('div', { class: 'chart-host', id: 'ex-out' });
  const count = el('p', { id: 'ex-count', 'aria-live': 'polite' });

  const refreshChoices = () => {
    const rows = catalog.filter(s => s.measurement === mSel.value);
    const fields = [...new Set(rows.map(s => s.field))].sort();
    fSel.replaceChildren(...fields.map(f => el('option', { value: f, text: f })));
    const tags = [...new Set(rows.flatMap(s => Object.entries(s.tags).map(([k, v]) => `${k}=${v}`)))].sort();
    tagSel.replaceChildren(el('option', { value: '', text: t('any') }), ...tags.map(x => el('option', { value: x, text: x })));
  };

  const show = async () => {
    leaveExplorer();
    const params = { measurement: mSel.value, field: fSel.value, start: 'now-6h' };
    if (tagSel.value) {
      const [k, v] = tagSel.value.split('=');
      params[`tag.${k}`] = v;
    }
    if (modeSel.value === 'agg') Object.assign(params, { step: '15m', agg: 'mean' });
    const doc = await query(params);
    const series = (doc.series || []).slice(0, 12).map(s => ({ label: labelText(s.tags) || s.field, values: s.values, key: labelText(s.tags) }));
    let total = series.reduce((a, s) => a + s.values.length, 0);
    count.textContent = t('points', { n: total });
    if (!series.length) { out.replaceChildren(el('p', { text: '–' })); return; }
    const chart = lineChart(out, series, { label: `${params.measurement}.${params.field}` });
    if (liveBox.checked && modeSel.value === 'raw') {
      const live = { measurement: params.measurement, field: params.field };
      for (const [k, v] of Object.entries(params)) if (k.startsWith('tag.')) live[k] = v;
      announce(t('live_on'));
      stopLive = stream(live, (name, data) => {
        if (name !== 'point' || typeof data.value !== 'number') return;
        const key = labelText(data.tags);
        const i = series.findIndex(s => s.key === key);
        if (i < 0) return;
        chart.data[0].push(data.time / 1000);
        chart.data.forEach((col, j) => { if (j > 0) col.push(j === i + 1 ? data.value : null); });
        chart.plot.setData(chart.data);
        total += 1;
        count.textContent = t('points', { n: total });
        out.dataset.live = String(Number(out.dataset.live || 0) + 1);
      }, () => announce(t('live_off')));
    }
  };

  mSel.addEventListener('change', refreshChoices);
  const form = el('form', { class: 'controls', onsubmit: e => { e.preventDefault(); show(); } },
    el('label', { for: 'ex-m', text: t('measurement') }), mSel,
    el('label', { for: 'ex-f', text: t('field') }), fSel,
    el('label', { for: 'ex-t', text: t('tags') }), tagSel,
    el('label', { for: 'ex-mode', text: t('mode') }), modeSel,
    el('span', {}, liveBox, el('label', { for: 'ex-live', text: t('live') })),
    el('button', { type: 'submit', text: t('show') }));
  main.replaceChildren(el('h1', { text: t('explorer_title') }), form, count, out);
  if (measurements.includes('traffic')) mSel.value = 'traffic';
  refreshChoices();
  await show();
  main.dataset.ready = 'true';
}
