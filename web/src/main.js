// The citynexus dashboard: hash routes (#/, #/indicator/ID[/RANGE],
// #/explorer, #/map, #/status), a token field and a language switch.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { setToken, token } from './api.js';
import { el } from './charts.js';
import { t, language, setLanguage, applyStaticTexts } from './i18n.js';
import { renderOverview } from './pages/overview.js';
import { renderIndicator } from './pages/indicator.js';
import { renderExplorer, leaveExplorer } from './pages/explorer.js';
import { renderMap } from './pages/map.js';
import { renderStatus } from './pages/status.js';
import { errorBox } from './pages/common.js';

const main = document.getElementById('main');
const announceRegion = document.getElementById('announce');
const announce = msg => { announceRegion.textContent = msg; };

const ROUTES = [
  ['#/', 'nav_overview'], ['#/explorer', 'nav_explorer'], ['#/map', 'nav_map'], ['#/status', 'nav_status'],
];

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(el('ul', {}, ROUTES.map(([href, key]) => el('li', {},
    el('a', { href, 'aria-current': current === href ? 'page' : null, text: t(key) })))));
}

let generation = 0;
async function route({ focus = false } = {}) {
  const hash = location.hash || '#/';
  const parts = hash.slice(2).split('/').map(decodeURIComponent);
  const mine = ++generation;
  leaveExplorer();
  delete main.dataset.ready;
  main.replaceChildren(el('p', { class: 'loading', text: t('loading') }));
  renderNav(parts[0] === 'indicator' || parts[0] === '' ? '#/' : `#/${parts[0]}`);
  try {
    if (parts[0] === 'indicator' && parts[1]) await renderIndicator(main, parts[1], parts[2] || '30d');
    else if (parts[0] === 'explorer') await renderExplorer(main, announce);
    else if (parts[0] === 'map') await renderMap(main);
    else if (parts[0] === 'status') await renderStatus(main);
    else await renderOverview(main);
  } catch (e) {
    if (mine === generation) {
      main.replaceChildren(errorBox(e));
      main.dataset.ready = 'error';
    }
  }
  const h1 = main.querySelector('h1');
  document.title = `${h1 ? `${h1.textContent} – ` : ''}citynexus`;
  if (focus) main.focus();
}

function setupTools() {
  const langButton = document.getElementById('lang');
  const paintLang = () => {
    langButton.textContent = t('switch_lang');
    langButton.setAttribute('aria-label', t('switch_lang_label'));
    langButton.lang = language() === 'de' ? 'en' : 'de';
  };
  paintLang();
  langButton.addEventListener('click', () => {
    setLanguage(language() === 'de' ? 'en' : 'de');
    applyStaticTexts();
    paintLang();
    route();
  });
  const input = document.getElementById('token');
  input.value = token();
  document.getElementById('token-form').addEventListener('submit', e => {
    e.preventDefault();
    setToken(input.value.trim());
    announce(input.value.trim() ? t('token_saved') : t('token_cleared'));
    route();
  });
}

applyStaticTexts();
setupTools();
// The skip link moves focus without touching the hash (the hash is the route).
document.querySelector('.skip').addEventListener('click', e => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => route({ focus: true }));
route();
