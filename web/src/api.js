// Talks to the citynexus server this page came from (relative URLs only:
// nothing leaves the origin). The access token, when the user gave one, is
// kept in sessionStorage (gone when the tab closes) and sent as a bearer
// token; without one the dashboard reads what anonymous users may read.
const TOKEN_KEY = 'citynexus.token';

export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers() {
  const h = { Accept: 'application/json' };
  if (token()) h.Authorization = `Bearer ${token()}`;
  return h;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path) {
  const response = await fetch(path, { headers: headers(), credentials: 'same-origin' });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const body = await response.json();
      if (body.error?.message) message = body.error.message;
    } catch { /* not JSON */ }
    throw new ApiError(response.status, message);
  }
  return response;
}

export async function getJson(path) { return (await request(path)).json(); }
export async function getText(path) { return (await request(path)).text(); }

export function query(params) {
  return getJson(`/api/v1/query?${new URLSearchParams(params)}`);
}

// Server-sent events over fetch (EventSource cannot send the token).
// Calls onEvent(name, data) per event; returns a function that stops.
export function stream(params, onEvent, onEnd) {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await fetch(`/api/v1/stream?${new URLSearchParams(params)}`, {
        headers: { ...headers(), Accept: 'text/event-stream' }, signal: controller.signal,
      });
      if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (data) {
            try { onEvent(name, JSON.parse(data)); } catch { /* ignore bad events */ }
          }
        }
      }
      onEnd?.(null);
    } catch (e) {
      if (e.name !== 'AbortError') onEnd?.(e);
    }
  })();
  return () => controller.abort();
}
