// Status for staff (administrator token): health checks, connector and
// ingest counters from /metrics (rates from two samples), dead letters.
import { getJson, getText, token } from '../api.js';
import { el } from '../charts.js';
import { t, formatNumber, formatTime } from '../i18n.js';

function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    if (m) out.push({ name: m[1], labels: m[2] || '', value: Number(m[3]) });
  }
  return out;
}

const INTERESTING = /^citynexus_(ingest_points_total|ingest_rejected_total|mqtt_points_total|mqtt_messages_total|mqtt_connected|poller_up|poller_points_total|poller_errors_total|stream_clients|http_requests_total)/;

export async function renderStatus(main) {
  main.replaceChildren(el('h1', { text: t('status_title') }));
  const health = await fetch('/healthz', { headers: token() ? { Authorization: `Bearer ${token()}` } : {} })
    .then(r => r.json()).catch(() => ({ checks: {} }));
  let first;
  try {
    first = parseMetrics(await getText('/metrics'));
  } catch (e) {
    if (e.status === 401 || e.status === 403) {
      main.append(el('p', { class: 'note', text: t('status_needs_admin') }));
      main.dataset.ready = 'true';
      return;
    }
    throw e;
  }
  await new Promise(r => setTimeout(r, 1000));
  const second = parseMetrics(await getText('/metrics'));
  const before = new Map(first.map(m => [m.name + m.labels, m.value]));
  const rows = second.filter(m => INTERESTING.test(m.name) && !m.name.startsWith('citynexus_http_requests_total'));
  const dead = await getJson('/api/v1/deadletters').catch(() => ({ dead_letters: [], total: 0 }));
  main.append(
    el('h2', { text: t('health') }),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('check') }), el('th', { scope: 'col', text: t('state') }))),
      el('tbody', {}, Object.entries(health.checks || {}).map(([k, v]) => el('tr', {}, el('th', { scope: 'row', text: k }), el('td', { text: v.status + (v.message ? `: ${v.message}` : '') }))))),
    el('h2', { text: `${t('connectors')} / ${t('ingest')}` }),
    el('table', { id: 'metrics' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('metric') }), el('th', { scope: 'col', text: t('value') }), el('th', { scope: 'col', text: '/s' }))),
      el('tbody', {}, rows.map(m => el('tr', {}, el('th', { scope: 'row', text: m.name.replace('citynexus_', '') + m.labels }),
        el('td', { class: 'num', text: formatNumber(m.value, 0) }),
        el('td', { class: 'num', text: m.name.endsWith('_total') ? formatNumber(m.value - (before.get(m.name + m.labels) ?? m.value), 0) : '' }))))),
    el('h2', { text: `${t('dead_letters')} (${dead.total ?? 0})` }),
    (dead.dead_letters || []).length ? el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('time') }), el('th', { scope: 'col', text: t('topic') }), el('th', { scope: 'col', text: t('reason') }))),
      el('tbody', {}, dead.dead_letters.slice(-50).reverse().map(d => el('tr', {},
        el('td', { text: d.time_ms ? formatTime(d.time_ms) : '' }), el('td', { text: d.topic || '' }), el('td', { text: d.error || d.reason || '' })))))
      : el('p', { text: t('none') }),
    el('p', { class: 'meta', text: `${t('updated')}: ${formatTime(Date.now())}` }));
  main.dataset.ready = 'true';
}
