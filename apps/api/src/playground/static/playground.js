// The playground's only script: plain browser JavaScript, no build step. Everything shown comes from text
// nodes (never innerHTML), because replies, titles and tips are model output.
'use strict';

(() => {
  const TOKEN_KEY = 'fab.playground.token';
  const $ = (id) => document.getElementById(id);

  const state = {
    token: null,
    chat: null,
    notify: null,
    conversationId: null,
    /** The reply streaming now: { clientMessageId, item, text }. */
    streaming: null,
    reportId: null,
    pollTimer: null,
    refreshId: null,
    /** One log line per streamed reply, counting its deltas when they are not listed one by one. */
    deltaLines: new Map(),
  };

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const newClientMessageId = () =>
    crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  // ---- Event log ------------------------------------------------------------------------------------------

  function pretty(payload) {
    if (payload === undefined) return '';
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);
    return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  }

  function log(direction, channel, name, payload) {
    const item = el(
      'li',
      { class: `event ${direction === '→' ? 'out' : 'in'}` },
      el('time', {}, new Date().toLocaleTimeString()),
      el('span', { class: 'dir' }, direction),
      el('span', { class: 'chan' }, channel),
      el('span', { class: 'name' }, name),
    );
    if (payload !== undefined) item.append(el('pre', {}, pretty(payload)));
    const list = $('events');
    list.append(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function logDelta(channel, delta) {
    if ($('show-deltas').checked) return log('←', channel, 'message:delta', delta);
    const line = state.deltaLines.get(delta.clientMessageId);
    if (!line) {
      const item = log('←', channel, 'message:delta', delta);
      state.deltaLines.set(delta.clientMessageId, { item, count: 1 });
      return;
    }
    line.count += 1;
    line.item.querySelector('.name').textContent = `message:delta ×${line.count} (last below)`;
    line.item.querySelector('pre').textContent = pretty(delta);
  }

  // ---- HTTP -------------------------------------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = { authorization: `Bearer ${state.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    log('→', 'HTTP', `${method} ${path}`, body);
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    log('←', 'HTTP', `${res.status} ${method} ${path}`, data);
    if (!res.ok) {
      const error = new Error((data && data.message) || `HTTP ${res.status}`);
      error.status = res.status;
      error.body = data;
      throw error;
    }
    return { status: res.status, data };
  }

  // ---- Sign in and sockets ----------------------------------------------------------------------------------

  function showAuthError(message) {
    $('auth-error').textContent = message;
    $('auth-error').hidden = !message;
  }

  function setSignedIn(signedIn) {
    $('sign-in-form').hidden = signedIn;
    $('signed-in').hidden = !signedIn;
    for (const id of ['send', 'request-report', 'load-tips', 'refresh-tips']) $(id).disabled = !signedIn;
  }

  function setPill(id, nsp, text, ok) {
    $(id).textContent = `${nsp} ${text}`;
    $(id).className = `pill ${ok ? 'ok' : 'bad'}`;
  }

  function connect(nsp, pillId) {
    // The same handshake for both namespaces: { auth: { token } }. A refused one arrives as connect_error
    // whose data is { status, code }.
    const socket = io(nsp, { auth: { token: state.token } });
    socket.on('connect', () => setPill(pillId, nsp, 'connected', true));
    socket.on('disconnect', (reason) => {
      setPill(pillId, nsp, `disconnected (${reason})`, false);
      log('←', nsp, 'disconnect', reason);
    });
    socket.on('connect_error', (err) => {
      setPill(pillId, nsp, 'refused', false);
      log('←', nsp, 'connect_error', { message: err.message, data: err.data });
      if (err.data && (err.data.status === 401 || err.data.status === 403)) {
        signOut();
        showAuthError(`The server refused the token: ${err.data.code} (${err.message})`);
      }
    });
    socket.onAny((event, payload) =>
      event === 'message:delta' ? logDelta(nsp, payload) : log('←', nsp, event, payload),
    );
    return socket;
  }

  function signIn(token) {
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    showAuthError('');
    setSignedIn(true);
    state.chat = connect('/chat', 'status-chat');
    state.notify = connect('/', 'status-notify');

    state.chat.on('message:delta', onDelta);
    state.chat.on('message:done', onDone);
    state.chat.on('message:error', onChatError);
    state.chat.on('conversation:title', (t) => {
      if (t.conversationId === state.conversationId) $('conversation-title').textContent = t.title;
    });
    state.notify.on('report:progress', (p) => p.id === state.reportId && showReportState(p.status, p.progress));
    state.notify.on('report:done', (d) => d.id === state.reportId && loadReport());
    state.notify.on('suggestions:ready', (s) => s.id === state.refreshId && loadTips(`/suggestions/${s.id}`));
    state.notify.on('suggestions:failed', (s) => {
      if (s.id === state.refreshId) $('tips-status').textContent = `Refresh failed: ${s.error}`;
    });
    state.notify.on('connect', () => {
      log('→', '/', 'whoami', undefined);
      state.notify.emit('whoami', (me) => {
        log('←', '/', 'ack whoami', me);
        $('who').textContent = `${me.id} (${me.role})`;
      });
    });
  }

  function signOut() {
    for (const socket of [state.chat, state.notify]) if (socket) socket.disconnect();
    state.chat = state.notify = state.token = null;
    clearInterval(state.pollTimer);
    sessionStorage.removeItem(TOKEN_KEY);
    setSignedIn(false);
    endStreaming();
  }

  // ---- Chat -------------------------------------------------------------------------------------------------

  function addMessage(role, text) {
    const item = el(
      'li',
      { class: `msg ${role}`, 'data-status': role === 'user' ? 'sent' : 'waiting' },
      el('div', { class: 'bubble' }, text),
      el('div', { class: 'meta' }),
    );
    $('messages').append(item);
    item.scrollIntoView({ block: 'nearest' });
    return item;
  }

  function setReplyStatus(item, status, detail) {
    item.dataset.status = status;
    item.querySelector('.meta').textContent = detail ? `${status} · ${detail}` : status;
  }

  function endStreaming() {
    state.streaming = null;
    $('stop').disabled = true;
    $('send').disabled = !state.token;
  }

  async function send(text) {
    const clientMessageId = newClientMessageId();
    addMessage('user', text);
    const item = addMessage('assistant', '');
    setReplyStatus(item, 'waiting', 'sent, waiting for the ack');
    state.streaming = { clientMessageId, item, text: '' };
    $('send').disabled = true;
    $('stop').disabled = false;

    const payload = { text, clientMessageId };
    if (state.conversationId) payload.conversationId = state.conversationId;
    log('→', '/chat', 'message:send', payload);
    let ack;
    try {
      ack = await state.chat.timeout(20000).emitWithAck('message:send', payload);
    } catch {
      setReplyStatus(item, 'error', 'no acknowledgement within 20 s');
      return endStreaming();
    }
    log('←', '/chat', 'ack message:send', ack);
    if (!ack.ok) {
      // message:error carries the same refusal and ends the turn; nothing more to do here.
      return;
    }
    state.conversationId = ack.conversationId;
    $('conversation-id').textContent = ack.conversationId;
    if (state.streaming && state.streaming.clientMessageId === clientMessageId)
      setReplyStatus(item, 'streaming', 'stored; streaming the reply');
  }

  function onDelta(d) {
    const s = state.streaming;
    if (!s || d.clientMessageId !== s.clientMessageId) return;
    s.text += d.delta;
    s.item.querySelector('.bubble').textContent = s.text;
    if (s.item.dataset.status !== 'streaming') setReplyStatus(s.item, 'streaming', `delta #${d.seq}`);
  }

  function onDone(d) {
    const s = state.streaming;
    if (!s || d.clientMessageId !== s.clientMessageId) return;
    s.item.querySelector('.bubble').textContent = d.text;
    const usage = d.usage ? `${d.usage.inputTokens} tokens in, ${d.usage.outputTokens} out` : '';
    setReplyStatus(s.item, d.status, usage);
    showFigures(s.item, d.figures);
    endStreaming();
    if (!d.figures) void storedFigures(s.item, d.conversationId, d.messageId);
  }

  function onChatError(e) {
    const s = state.streaming;
    if (!s || (e.clientMessageId && e.clientMessageId !== s.clientMessageId)) return;
    const wait = e.retryAfterMs ? `; retry in ${Math.ceil(e.retryAfterMs / 1000)} s` : '';
    setReplyStatus(s.item, 'error', `${e.status} ${e.code}: ${e.message}${wait}`);
    endStreaming();
  }

  function stop() {
    const s = state.streaming;
    if (!s) return;
    const payload = { clientMessageId: s.clientMessageId };
    log('→', '/chat', 'message:stop', payload);
    state.chat.emit('message:stop', payload, (ack) => log('←', '/chat', 'ack message:stop', ack));
  }

  /** Figures as our code formatted them: { label?, key?, text?, value?, unit? } in any of the app's shapes. */
  function figureText(f) {
    if (typeof f !== 'object' || f === null) return String(f);
    const value = f.text ?? (f.value !== undefined ? `${f.value}${f.unit ? ` ${f.unit}` : ''}` : '');
    return `${f.label ?? f.key ?? 'figure'}: ${value}`;
  }

  function figureList(figures) {
    return el('ul', { class: 'figures' }, ...figures.map((f) => el('li', {}, figureText(f))));
  }

  function showFigures(item, figures) {
    if (!Array.isArray(figures) || figures.length === 0) return;
    item.append(el('p', { class: 'figures-title' }, 'Figures this reply rests on'), figureList(figures));
  }

  /** The stored message is the record a reloaded client sees; it may carry figures the done event did not. */
  async function storedFigures(item, conversationId, messageId) {
    try {
      const { data } = await api('GET', `/conversations/${conversationId}/messages?limit=2`);
      const stored = (data.items || []).find((m) => m.id === messageId);
      if (stored) showFigures(item, stored.figures);
    } catch {
      // Already in the event log; the reply itself is shown.
    }
  }

  // ---- Reports ----------------------------------------------------------------------------------------------

  function showReportState(status, progress) {
    $('report').hidden = false;
    $('report').dataset.status = status;
    $('report-status').textContent =
      progress !== undefined && status !== 'completed' ? `${status} (${progress}%)` : status;
    $('report-progress').value = status === 'completed' ? 100 : progress || 0;
  }

  async function requestReport(type) {
    clearInterval(state.pollTimer);
    $('report-result').replaceChildren();
    try {
      const { data } = await api('POST', '/reports', { type });
      state.reportId = data.id;
      $('report-id').textContent = data.id;
      if (data.cached || data.status === 'completed' || data.status === 'failed') return showReport(data);
      showReportState(data.status, data.progress);
      // Events are the fast path; polling is what a client without a socket does, so do it only then.
      state.pollTimer = setInterval(() => {
        if (!state.notify || !state.notify.connected) void loadReport();
      }, 3000);
    } catch (err) {
      showReportState('refused', 0);
      $('report-result').replaceChildren(el('p', { class: 'error' }, err.message));
    }
  }

  async function loadReport() {
    try {
      const { data } = await api('GET', `/reports/${state.reportId}`);
      if (data.status === 'completed' || data.status === 'failed') showReport(data);
      else showReportState(data.status, data.progress);
    } catch {
      // Shown in the event log.
    }
  }

  function showReport(report) {
    clearInterval(state.pollTimer);
    showReportState(report.status, report.progress);
    const parts = [];
    if (report.cached) parts.push(el('p', { class: 'meta' }, 'Stored report (cached: same data, no model call)'));
    if (report.status === 'failed') parts.push(el('p', { class: 'error' }, report.error || 'failed'));
    if (report.summary) parts.push(el('p', { class: 'summary' }, report.summary));
    for (const insight of report.insights || []) {
      parts.push(
        el(
          'div',
          { class: 'insight' },
          el('strong', {}, insight.title),
          el('span', { class: `impact ${insight.impact}` }, insight.impact),
          el('p', {}, insight.detail),
          insight.figures && insight.figures.length ? figureList(insight.figures) : null,
        ),
      );
    }
    if (report.figures)
      parts.push(el('details', {}, el('summary', {}, 'All computed figures'), el('pre', {}, pretty(report.figures))));
    $('report-result').replaceChildren(...parts);
  }

  // ---- Tips -------------------------------------------------------------------------------------------------

  async function loadTips(path = '/suggestions') {
    try {
      const { data } = await api('GET', path);
      if (data.status && data.status !== 'completed') {
        $('tips-status').textContent = data.status === 'failed' ? `Failed: ${data.error}` : `${data.status}…`;
        return;
      }
      $('tips-status').textContent = `${data.source} set for ${data.date}`;
      $('tips').replaceChildren(
        ...data.tips.map((tip) =>
          el(
            'li',
            { class: 'tip' },
            el('strong', {}, tip.title),
            el('span', { class: 'category' }, tip.category),
            el('p', {}, tip.detail),
            tip.figures && tip.figures.length ? figureList(tip.figures) : null,
          ),
        ),
      );
    } catch (err) {
      $('tips-status').textContent =
        err.status === 404 ? 'No tips yet today: press Refresh to ask for a set now.' : err.message;
    }
  }

  async function refreshTips() {
    try {
      const { data } = await api('POST', '/suggestions/refresh');
      state.refreshId = data.id;
      $('tips-status').textContent = 'Refresh queued: waiting for suggestions:ready…';
    } catch (err) {
      $('tips-status').textContent = err.message;
    }
  }

  // ---- Wiring -----------------------------------------------------------------------------------------------

  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token')
      .value.trim()
      .replace(/^Bearer\s+/i, '');
    if (token) signIn(token);
    $('token').value = '';
  });
  $('sign-out').addEventListener('click', signOut);
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('chat-input').value.trim();
    if (!text || state.streaming || !state.chat) return;
    $('chat-input').value = '';
    void send(text);
  });
  $('chat-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      $('chat-form').requestSubmit();
    }
  });
  $('stop').addEventListener('click', stop);
  $('new-conversation').addEventListener('click', () => {
    state.conversationId = null;
    $('conversation-id').textContent = '(new)';
    $('conversation-title').textContent = '';
    $('messages').replaceChildren();
  });
  $('report-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void requestReport($('report-type').value);
  });
  $('load-tips').addEventListener('click', () => void loadTips());
  $('refresh-tips').addEventListener('click', () => void refreshTips());
  $('clear-log').addEventListener('click', () => {
    $('events').replaceChildren();
    state.deltaLines.clear();
  });

  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
})();
