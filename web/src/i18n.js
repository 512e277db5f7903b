// German and English texts and locale formatting. The language comes from
// the browser (navigator.languages) unless the user switched it; the choice
// is kept in localStorage (a preference, not a secret).
const texts = {
  en: {
    skip: 'Skip to content', city_title: 'City indicators', loading: 'Loading…',
    footer: 'Data served by this citynexus server; nothing is loaded from elsewhere.',
    token_label: 'Access token', token_apply: 'Apply', token_saved: 'Token applied for this browser tab.',
    token_cleared: 'Token removed.',
    nav_overview: 'Overview', nav_explorer: 'Explorer', nav_map: 'Map', nav_status: 'Status',
    switch_lang: 'Deutsch', switch_lang_label: 'Auf Deutsch umschalten',
    overview_title: 'The city at a glance',
    overview_intro: 'Every indicator the city computes from its sensor data. Cross-domain indicators link mobility, energy, water and environment.',
    cross_domain: 'Cross-domain', latest: 'Latest value', coverage: 'Coverage', standard: 'Standard',
    status_confirmed: 'confirmed', status_inferred: 'inferred', status_own: 'own definition',
    status_unverified: 'unverified', 'status_section confirmed, no. unverified': 'section confirmed',
    domain_mobility: 'Mobility', domain_energy: 'Energy', domain_water: 'Water', domain_environment: 'Environment',
    no_value: 'no value yet', of_series: 'mean of {n} series', trend_30: 'Last 30 days', trend_365: 'Last 12 months',
    details: 'Details', not_allowed: 'This needs an access token with read permission.',
    error: 'Could not load: {msg}', as_of: 'as of {t}', quality_partial: 'partial data',
    range: 'Range', range_7d: '7 days', range_30d: '30 days', range_90d: '90 days', range_365d: '1 year',
    chart_table: 'Values as a table', time: 'Time', value: 'Value', series: 'Series',
    breakdown: 'Breakdown', definition: 'Definition', formula: 'Formula (PromQL semantics)',
    reference: 'Reference', unit: 'Unit', step: 'Step', download: 'Download',
    download_csv: 'CSV', download_json: 'JSON', back: 'Back to the overview',
    explorer_title: 'Explore the raw data', measurement: 'Measurement', field: 'Field', tags: 'Tag filter',
    any: 'any', mode: 'Mode', raw: 'Raw points', aggregated: 'Aggregated', aggregation: 'Aggregation',
    show: 'Show', live: 'Live updates', live_on: 'Live: new points appear as they arrive.',
    live_off: 'Live updates stopped.', points: '{n} points', last_hour: 'last hour',
    map_title: 'Sensors and districts', map_intro: 'Districts (circle size: inhabitants) and sensors with a position. Drawn from the data, no map tiles.',
    district: 'District', inhabitants: 'Inhabitants', sensors: 'Sensors', position: 'Position',
    status_title: 'System status', status_needs_admin: 'The status page needs an administrator token.',
    health: 'Health', connectors: 'Connectors', ingest: 'Ingest', dead_letters: 'Dead letters',
    metric: 'Metric', check: 'Check', state: 'State', topic: 'Topic', reason: 'Reason', none: 'none',
    per_second: '{v}/s', updated: 'Updated',
  },
  de: {
    skip: 'Zum Inhalt springen', city_title: 'Kennzahlen der Stadt', loading: 'Lädt…',
    footer: 'Daten von diesem citynexus-Server; nichts wird von anderswo geladen.',
    token_label: 'Zugangs-Token', token_apply: 'Anwenden', token_saved: 'Token für diesen Browser-Tab übernommen.',
    token_cleared: 'Token entfernt.',
    nav_overview: 'Übersicht', nav_explorer: 'Daten-Explorer', nav_map: 'Karte', nav_status: 'Status',
    switch_lang: 'English', switch_lang_label: 'Switch to English',
    overview_title: 'Die Stadt auf einen Blick',
    overview_intro: 'Alle Kennzahlen, die die Stadt aus ihren Sensordaten berechnet. Sektorübergreifende Kennzahlen verbinden Mobilität, Energie, Wasser und Umwelt.',
    cross_domain: 'Sektorübergreifend', latest: 'Letzter Wert', coverage: 'Datenabdeckung', standard: 'Norm',
    status_confirmed: 'bestätigt', status_inferred: 'abgeleitet', status_own: 'eigene Definition',
    status_unverified: 'ungeprüft', 'status_section confirmed, no. unverified': 'Kapitel bestätigt',
    domain_mobility: 'Mobilität', domain_energy: 'Energie', domain_water: 'Wasser', domain_environment: 'Umwelt',
    no_value: 'noch kein Wert', of_series: 'Mittel aus {n} Reihen', trend_30: 'Letzte 30 Tage', trend_365: 'Letzte 12 Monate',
    details: 'Details', not_allowed: 'Dafür ist ein Zugangs-Token mit Leserecht nötig.',
    error: 'Laden fehlgeschlagen: {msg}', as_of: 'Stand {t}', quality_partial: 'unvollständige Daten',
    range: 'Zeitraum', range_7d: '7 Tage', range_30d: '30 Tage', range_90d: '90 Tage', range_365d: '1 Jahr',
    chart_table: 'Werte als Tabelle', time: 'Zeit', value: 'Wert', series: 'Reihe',
    breakdown: 'Aufschlüsselung', definition: 'Definition', formula: 'Formel (PromQL-Semantik)',
    reference: 'Bezug', unit: 'Einheit', step: 'Schritt', download: 'Herunterladen',
    download_csv: 'CSV', download_json: 'JSON', back: 'Zurück zur Übersicht',
    explorer_title: 'Rohdaten erkunden', measurement: 'Messgröße', field: 'Feld', tags: 'Tag-Filter',
    any: 'alle', mode: 'Modus', raw: 'Rohwerte', aggregated: 'Aggregiert', aggregation: 'Aggregation',
    show: 'Anzeigen', live: 'Live-Aktualisierung', live_on: 'Live: neue Werte erscheinen sofort.',
    live_off: 'Live-Aktualisierung beendet.', points: '{n} Werte', last_hour: 'letzte Stunde',
    map_title: 'Sensoren und Stadtteile', map_intro: 'Stadtteile (Kreisgröße: Einwohner) und Sensoren mit Position. Aus den Daten gezeichnet, ohne Kartenkacheln.',
    district: 'Stadtteil', inhabitants: 'Einwohner', sensors: 'Sensoren', position: 'Position',
    status_title: 'Systemstatus', status_needs_admin: 'Die Statusseite braucht ein Administrator-Token.',
    health: 'Zustand', connectors: 'Konnektoren', ingest: 'Datenaufnahme', dead_letters: 'Unzustellbare Nachrichten',
    metric: 'Metrik', check: 'Prüfung', state: 'Zustand', topic: 'Topic', reason: 'Grund', none: 'keine',
    per_second: '{v}/s', updated: 'Aktualisiert',
  },
};

function initialLanguage() {
  const saved = localStorage.getItem('citynexus.lang');
  if (saved === 'de' || saved === 'en') return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    if (l.toLowerCase().startsWith('de')) return 'de';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

let lang = initialLanguage();

export function language() { return lang; }
export function setLanguage(l) {
  lang = l;
  localStorage.setItem('citynexus.lang', l);
}
export function locale() { return lang === 'de' ? 'de-DE' : 'en-GB'; }

export function t(key, vars = {}) {
  const s = texts[lang][key] ?? texts.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

export function formatNumber(v, digits) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  const d = digits ?? (abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3);
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: d, minimumFractionDigits: 0 }).format(v);
}

export function formatTime(ms, withTime = true) {
  const opts = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(locale(), opts).format(new Date(ms));
}

// Units as written in the definitions, made readable.
export function formatUnit(u) {
  return (u || '').replace('ug/m3', 'µg/m³').replace('m3', 'm³').replace('*', '·');
}

export function applyStaticTexts(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
