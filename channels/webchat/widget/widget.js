/*
 * Rapport web chat widget. One tag on any site:
 *   <script src="https://your-hub.example.com/widget.js" async></script>
 * Optional attributes: data-title="Chat with us", data-open="true".
 * It speaks the /webchat socket.io protocol (channels/webchat/protocol.ts). Everything a message
 * carries is rendered with textContent: customer or agent text is never parsed as HTML.
 */
(function () {
  'use strict';
  if (window.__rapportWidget) return;
  var script = document.currentScript;
  var hub = new URL(script ? script.src : '/widget.js', window.location.href).origin;
  var title = (script && script.getAttribute('data-title')) || 'Chat with us';
  var startOpen = script && script.getAttribute('data-open') === 'true';
  var TOKEN_KEY = 'rapport.webchat.token:' + hub;
  // How long a sent message waits for the hub's acknowledgement before it shows as not sent.
  var ACK_TIMEOUT_MS = 15000;

  var api = (window.__rapportWidget = { socket: null, messages: [] });

  function loadSocketIo(done) {
    if (window.io) return done();
    var tag = document.createElement('script');
    tag.src = hub + '/socket.io/socket.io.min.js';
    tag.onload = done;
    tag.onerror = function () {
      console.error('Rapport: could not load the chat client from ' + hub);
    };
    document.head.appendChild(tag);
  }

  var css =
    ':host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}' +
    '.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#4f46e5;color:#fff;display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483646}' +
    '.panel{position:fixed;right:20px;bottom:88px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;z-index:2147483647}' +
    '.panel.open{display:flex}.head{background:#4f46e5;color:#fff;padding:14px 16px;font-weight:600;display:flex;justify-content:space-between;align-items:center}' +
    '.head small{font-weight:400;opacity:.85;display:block;font-size:12px}.close{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}' +
    '.log{flex:1;overflow-y:auto;padding:12px;background:#f6f7fb;display:flex;flex-direction:column;gap:8px}' +
    '.msg{max-width:80%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;font-size:14px;line-height:1.4}' +
    '.msg.contact{align-self:flex-end;background:#4f46e5;color:#fff;border-bottom-right-radius:4px}' +
    '.msg.hub{align-self:flex-start;background:#fff;color:#111;border:1px solid #e5e7eb;border-bottom-left-radius:4px}' +
    '.msg .who{display:block;font-size:11px;opacity:.7;margin-bottom:2px}.msg.failed{opacity:.6;border:1px dashed #dc2626}.msg.pending{opacity:.6}' +
    '.choices{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}.choices button{border:1px solid #4f46e5;background:#fff;color:#4f46e5;border-radius:16px;padding:5px 12px;cursor:pointer;font-size:13px}' +
    '.typing{font-size:12px;color:#6b7280;padding:0 14px 4px;min-height:18px;background:#f6f7fb}' +
    'form{display:flex;border-top:1px solid #e5e7eb}textarea{flex:1;border:0;padding:12px;resize:none;font-size:14px;height:48px;outline:none}' +
    'form button{border:0;background:#fff;color:#4f46e5;font-weight:600;padding:0 16px;cursor:pointer}.status{font-size:12px;color:#b91c1c;padding:4px 12px;background:#fef2f2;display:none}';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function build() {
    var host = el('div');
    host.id = 'rapport-webchat';
    document.body.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var style = el('style');
    style.textContent = css;
    root.appendChild(style);

    var launcher = el('button', 'launcher');
    // An inline icon: emoji fonts are not on every machine.
    var svgNs = 'http://www.w3.org/2000/svg';
    var icon = document.createElementNS(svgNs, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('width', '26');
    icon.setAttribute('height', '26');
    var bubblePath = document.createElementNS(svgNs, 'path');
    bubblePath.setAttribute('fill', 'currentColor');
    bubblePath.setAttribute(
      'd',
      'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z',
    );
    icon.appendChild(bubblePath);
    launcher.appendChild(icon);
    launcher.setAttribute('aria-label', title);
    var panel = el('div', 'panel');
    panel.setAttribute('role', 'dialog');
    var head = el('div', 'head');
    var heading = el('div', null, title);
    heading.appendChild(el('small', null, 'We usually answer within minutes'));
    var close = el('button', 'close', '×');
    close.setAttribute('aria-label', 'Close');
    head.appendChild(heading);
    head.appendChild(close);
    var status = el('div', 'status');
    var log = el('div', 'log');
    log.setAttribute('aria-live', 'polite');
    var typing = el('div', 'typing');
    var form = el('form');
    var input = el('textarea');
    input.placeholder = 'Write a message…';
    input.setAttribute('aria-label', 'Message');
    var send = el('button', null, 'Send');
    send.type = 'submit';
    form.appendChild(input);
    form.appendChild(send);
    [head, status, log, typing, form].forEach(function (part) {
      panel.appendChild(part);
    });
    root.appendChild(launcher);
    root.appendChild(panel);

    function toggle(open) {
      panel.classList.toggle('open', open);
      if (open) input.focus();
    }
    launcher.addEventListener('click', function () {
      toggle(!panel.classList.contains('open'));
    });
    close.addEventListener('click', function () {
      toggle(false);
    });
    if (startOpen) toggle(true);
    return { root: root, log: log, input: input, form: form, status: status, typing: typing, toggle: toggle };
  }

  function start() {
    var ui = build();
    var seen = {};
    var token = null;
    try {
      token = window.localStorage.getItem(TOKEN_KEY);
    } catch {
      /* storage may be blocked */
    }

    function render(message, options) {
      if (message.id && seen[message.id]) return;
      if (message.id) seen[message.id] = true;
      var mine = message.author && message.author.kind === 'contact';
      var bubble = el('div', 'msg ' + (mine ? 'contact' : 'hub'));
      if (!mine && message.author && message.author.name) bubble.appendChild(el('span', 'who', message.author.name));
      bubble.appendChild(document.createTextNode(message.text || ''));
      (message.attachments || []).forEach(function (file) {
        if (!/^https?:\/\//i.test(file.url)) return;
        var link = el('a', null, file.name || file.url);
        link.href = file.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        bubble.appendChild(document.createElement('br'));
        bubble.appendChild(link);
      });
      ui.log.appendChild(bubble);
      if (!mine && message.choices && message.choices.length && !(options && options.history)) {
        var row = el('div', 'choices');
        message.choices.forEach(function (choice) {
          var button = el('button', null, choice);
          button.type = 'button';
          button.addEventListener('click', function () {
            row.remove();
            submit(choice);
          });
          row.appendChild(button);
        });
        ui.log.appendChild(row);
      }
      ui.log.scrollTop = ui.log.scrollHeight;
      api.messages.push(message);
      return bubble;
    }

    function showStatus(text) {
      ui.status.textContent = text || '';
      ui.status.style.display = text ? 'block' : 'none';
    }

    var socket = window.io(hub + '/webchat', {
      auth: function (cb) {
        cb({ token: token });
      },
    });
    api.socket = socket;

    socket.on('session', function (session) {
      token = session.token;
      try {
        window.localStorage.setItem(TOKEN_KEY, token);
      } catch {
        /* keep it for this page only */
      }
    });
    socket.on('connect', function () {
      showStatus('');
      socket.emit('history', {}, function (answer) {
        if (answer && answer.messages)
          answer.messages.forEach(function (m) {
            render(m, { history: true });
          });
      });
    });
    socket.on('connect_error', function (error) {
      if (error && error.data && error.data.code === 'INVALID_TOKEN') {
        token = null;
        try {
          window.localStorage.removeItem(TOKEN_KEY);
        } catch {
          /* ignore */
        }
        socket.connect();
        return;
      }
      // Too many new chats from this address: the server refused it and socket.io will not retry.
      if (error && error.data && error.data.code === 'RATE_LIMITED') {
        showStatus('Busy, connecting again shortly…');
        setTimeout(function () {
          socket.connect();
        }, retryDelay(error.data));
        return;
      }
      showStatus('Reconnecting…');
    });
    socket.on('message', function (message) {
      ui.typing.textContent = '';
      render(message);
    });
    socket.on('typing', function (state) {
      ui.typing.textContent = state && state.typing ? (state.name || 'Someone') + ' is typing…' : '';
    });

    var typingTimer = null;
    ui.input.addEventListener('input', function () {
      if (!typingTimer) socket.emit('typing', { typing: true });
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () {
        typingTimer = null;
        socket.emit('typing', { typing: false });
      }, 1500);
    });

    function submit(text) {
      if (!text || !text.trim()) return;
      var clientMessageId =
        window.crypto && crypto.randomUUID
          ? crypto.randomUUID()
          : String(Date.now()) + Math.random().toString(16).slice(2);
      var bubble = render({ text: text, author: { kind: 'contact' } });
      send(text, clientMessageId, bubble);
    }

    /** How long a RATE_LIMITED answer asks to wait, kept between 1 s and 1 min. */
    function retryDelay(error) {
      var wait = Number(error && error.retryAfterMs) || 5000;
      return Math.min(60000, Math.max(1000, wait));
    }

    function send(text, clientMessageId, bubble) {
      // An answer that never comes (connection lost, a frame too large for the server) fails the
      // message after a while instead of leaving it looking sent.
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emit('message', { text: text, clientMessageId: clientMessageId }, function (timedOut, answer) {
          if (!timedOut && answer && answer.id) {
            seen[answer.id] = true;
            if (bubble) bubble.classList.remove('pending');
          } else if (!timedOut && answer && answer.error && answer.error.code === 'RATE_LIMITED') {
            // Sent too fast: shown as waiting, and sent again later with the same id (stored once).
            if (bubble) bubble.classList.add('pending');
            showStatus(answer.error.message || 'Sending shortly…');
            setTimeout(function () {
              showStatus('');
              send(text, clientMessageId, bubble);
            }, retryDelay(answer.error));
          } else if (bubble) {
            bubble.classList.add('failed');
            showStatus(
              timedOut ? 'Not sent: no answer from the server' : (answer.error && answer.error.message) || 'Not sent',
            );
          }
        });
    }

    ui.form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = ui.input.value;
      ui.input.value = '';
      submit(text);
    });
    ui.input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        if (ui.form.requestSubmit) ui.form.requestSubmit();
        else ui.form.dispatchEvent(new Event('submit'));
      }
    });
    api.open = function () {
      ui.toggle(true);
    };
  }

  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }
  ready(function () {
    loadSocketIo(start);
  });
})();
