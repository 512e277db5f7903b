import { el } from '../charts.js';
import { t } from '../i18n.js';

export function errorBox(e) {
  const denied = e && (e.status === 401 || e.status === 403);
  return el('p', { class: 'error', role: 'status', text: denied ? t('not_allowed') : t('error', { msg: e?.message || e }) });
}

export function csvEscape(s) {
  const v = String(s ?? '');
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function downloadLink(label, filename, mime, text) {
  const a = el('a', { class: 'button', download: filename, text: label });
  a.href = URL.createObjectURL(new Blob([text], { type: mime }));
  return a;
}
