// One indicator: chart over a chosen range with a table alternative, the
// breakdown by label (zone, district) where the expression keeps labels,
// the definition in plain words and the formula, and downloads.
import { getJson } from '../api.js';
import { el, lineChart, labelText } from '../charts.js';
import { t, formatNumber, formatTime, formatUnit } from '../i18n.js';
import { errorBox, csvEscape, downloadLink } from './common.js';
import { latest } from './overview.js';

const RANGES = ['7d', '30d', '90d', '365d'];

export async function renderIndicator(main, id, range = '30d') {
  const doc = await getJson(`/api/v1/indicators/${encodeURIComponent(id)}?start=now-${range}&end=now`);
  const unit = formatUnit(doc.unit);
  const series = (doc.series || []).map(s => ({ label: labelText(s.labels) || doc.name, values: s.values, labels: s.labels, coverage: s.coverage }));
  const select = el('select', { id: 'range' }, RANGES.map(r =>
    el('option', { value: r, selected: r === range, text: t(`range_${r}`) })));
  select.addEventListener('change', () => { location.hash = `#/indicator/${id}/${select.value}`; });
  const chartHost = el('div', { class: 'chart-host' });
  const ref = doc.reference || {};
  const last = latest(doc.series || []);

  const csv = ['series,time,value,coverage', ...series.flatMap(s => s.values.map(([x, v], i) =>
    [csvEscape(labelText(s.labels)), new Date(x).toISOString(), v, s.coverage?.[i] ?? ''].join(',')))].join('\n');
  const breakdown = series.length > 1 ? el('section', { 'aria-labelledby': 'bd' },
    el('h2', { id: 'bd', text: t('breakdown') }),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('series') }), el('th', { scope: 'col', text: `${t('latest')} (${unit})` }))),
      el('tbody', {}, series.map(s => {
        const v = s.values.at(-1);
        return el('tr', {}, el('th', { scope: 'row', text: s.label }), el('td', { class: 'num', text: v ? formatNumber(v[1]) : '–' }));
      })))) : null;

  main.replaceChildren(...[
    el('p', {}, el('a', { href: '#/', text: `← ${t('back')}` })),
    el('h1', { text: doc.name }),
    el('p', { class: 'value big' }, last ? [el('span', { class: 'number', text: formatNumber(last.value) }), ' ', unit, ' · ', t('as_of', { t: formatTime(last.time) })] : t('no_value')),
    el('div', { class: 'controls' }, el('label', { for: 'range', text: t('range') }), select,
      el('span', { class: 'downloads' }, `${t('download')}: `,
        downloadLink(t('download_csv'), `${id}-${range}.csv`, 'text/csv', csv), ' ',
        downloadLink(t('download_json'), `${id}-${range}.json`, 'application/json', JSON.stringify(doc, null, 1)))),
    chartHost,
    breakdown,
    el('section', { 'aria-labelledby': 'def' },
      el('h2', { id: 'def', text: t('definition') }),
      el('p', { text: doc.description || '' }),
      el('dl', {},
        el('dt', { text: t('reference') }), el('dd', { text: `${ref.standard}${ref.code ? ` ${ref.code}` : ''} (${t(`status_${ref.status}`)})` }),
        el('dt', { text: t('unit') }), el('dd', { text: unit }),
        el('dt', { text: t('step') }), el('dd', { text: doc.step })),
      el('h3', { text: t('formula') }),
      el('pre', { class: 'formula', text: doc.expr }))].filter(Boolean));
  // Steps with incomplete data (the running day) are left out of the chart
  // and its table; the downloads keep them with their coverage.
  const complete = series.map((s, k) => ({ ...s, values: s.values.filter((_, i) => (doc.series[k].quality?.[i] ?? 'ok') === 'ok') }));
  if (complete.some(s => s.values.length)) lineChart(chartHost, complete, { unit, label: doc.name });
  else chartHost.append(el('p', { text: t('no_value') }));
  main.dataset.ready = 'true';
}

export { errorBox };
