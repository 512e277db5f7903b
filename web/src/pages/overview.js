// City overview: every indicator as a card with its latest value, a trend
// sparkline, coverage, standard and domains. Cross-domain ("nexus")
// indicators carry a badge and a distinct frame.
import { getJson } from '../api.js';
import { el, sparkline } from '../charts.js';
import { t, formatNumber, formatTime, formatUnit } from '../i18n.js';
import { errorBox } from './common.js';

export function trendRange(indicator) {
  // Monthly indicators need a year to draw a line; the rest 30 days.
  return /mo$/.test(indicator.step || '') ? '365d' : '30d';
}

// The latest step with complete data (quality "ok") over all output series,
// the mean when several; the latest partial step only when there is no
// complete one (the running day is partial until it ends).
export function latest(series) {
  const pick = okOnly => {
    let time = -Infinity;
    for (const s of series) {
      s.values.forEach(([x], i) => { if (!okOnly || s.quality?.[i] === 'ok') time = Math.max(time, x); });
    }
    if (time === -Infinity) return null;
    const rows = series.map(s => s.values.findIndex(([x]) => x === time)).map((i, k) => [series[k], i]).filter(([, i]) => i >= 0);
    const coverage = rows.map(([s, i]) => s.coverage?.[i]).filter(Number.isFinite);
    return {
      time,
      value: rows.reduce((a, [s, i]) => a + s.values[i][1], 0) / rows.length,
      n: rows.length,
      partial: !okOnly,
      coverage: coverage.length ? coverage.reduce((a, b) => a + b, 0) / coverage.length : null,
    };
  };
  return pick(true) ?? pick(false);
}

// For the sparkline: one value per step, the mean over the series.
function meanLine(series) {
  const sums = new Map();
  for (const s of series) {
    for (const [i, [x, v]] of s.values.entries()) {
      if (!Number.isFinite(v) || (s.quality && s.quality[i] !== 'ok')) continue;
      const e = sums.get(x) || [0, 0];
      sums.set(x, [e[0] + v, e[1] + 1]);
    }
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([x, [s, n]]) => [x, s / n]);
}

function card(indicator) {
  const cross = indicator.domains.length > 1;
  const title = el('h2', {}, el('a', { href: `#/indicator/${indicator.id}`, text: indicator.name }));
  const value = el('p', { class: 'value', 'aria-live': 'off' }, t('loading'));
  const meta = el('p', { class: 'meta' });
  const spark = el('div', { class: 'spark-host' });
  const domains = el('ul', { class: 'domains', 'aria-label': 'Domains' },
    indicator.domains.map(d => el('li', { class: `domain domain-${d}`, text: t(`domain_${d}`) })));
  const ref = indicator.reference || {};
  const standard = el('p', { class: 'standard' },
    `${t('standard')}: ${ref.standard}${ref.code ? ` ${ref.code}` : ''} · ${t(`status_${ref.status}`)}`);
  const node = el('article', { class: `card${cross ? ' cross' : ''}`, 'data-indicator': indicator.id },
    cross ? el('p', { class: 'badge', text: t('cross_domain') }) : null,
    title, value, spark, meta, standard, domains);
  return { node, value, meta, spark };
}

async function fill(indicator, parts) {
  let range = trendRange(indicator);
  try {
    const url = r => `/api/v1/indicators/${encodeURIComponent(indicator.id)}?start=now-${r}&end=now`;
    let doc = await getJson(url(range));
    let last = latest(doc.series || []);
    if ((!last || last.partial) && range !== '365d') {
      // Event-like indicators (hot days) may have no complete value in 30
      // days: show the latest of the year, with its date.
      const year = await getJson(url('365d'));
      const yearLast = latest(year.series || []);
      if (yearLast && !yearLast.partial) {
        doc = year;
        last = yearLast;
        range = '365d';
      }
    }
    if (!last) {
      parts.value.textContent = t('no_value');
      return;
    }
    parts.value.replaceChildren(
      el('span', { class: 'number', text: formatNumber(last.value) }), ' ',
      el('span', { class: 'unit', text: formatUnit(doc.unit) }));
    parts.spark.append(sparkline(meanLine(doc.series)),
      el('span', { class: 'sr-only', text: range === '365d' ? t('trend_365') : t('trend_30') }));
    const bits = [t('as_of', { t: formatTime(last.time, false) })];
    if (last.coverage !== null) bits.push(`${t('coverage')}: ${formatNumber(last.coverage * 100, 0)} %`);
    if (last.n > 1) bits.push(t('of_series', { n: last.n }));
    if (last.partial) bits.push(t('quality_partial'));
    parts.meta.textContent = bits.join(' · ');
  } catch (e) {
    parts.value.replaceChildren(errorBox(e));
  }
}

export async function renderOverview(main) {
  const list = await getJson('/api/v1/indicators');
  const indicators = (list.indicators || []).slice().sort((a, b) =>
    (b.domains.length > 1) - (a.domains.length > 1) || a.name.localeCompare(b.name));
  const grid = el('div', { class: 'cards' });
  main.replaceChildren(
    el('h1', { text: t('overview_title') }),
    el('p', { class: 'intro', text: t('overview_intro') }),
    grid);
  const jobs = [];
  for (const indicator of indicators) {
    const parts = card(indicator);
    grid.append(parts.node);
    jobs.push(fill(indicator, parts));
  }
  await Promise.all(jobs);
  main.dataset.ready = 'true';
}
