// procpool dashboard: polls /api/insights and redraws. Plain JavaScript, no dependencies; every value from the pool
// is put in the page as text (textContent), never as HTML.
(function () {
  'use strict';
  var POLL_MS = 750, MAX_WINDOW_MS = 60000, MIN_WINDOW_MS = 15000;
  var $ = function (id) { return document.getElementById(id); };
  var failuresKey = null, endedKey = null, slowestKey = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { node.textContent = attrs[k]; }
      else if (k === 'cls') { node.className = attrs[k]; }
      else if (k === 'style') { node.style.cssText = attrs[k]; } // CSSOM: the page's CSP allows no style attributes
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function td(text, cls) { return el('td', { text: text, cls: cls || '' }); }
  function fmtInt(n) { return n == null ? '\u2013' : Number(n).toLocaleString('en-US'); }
  function fmtMs(ms) {
    if (ms == null) { return '\u2013'; }
    if (ms < 1) { return (ms * 1000).toFixed(0) + ' \u00b5s'; }
    if (ms < 1000) { return ms.toFixed(ms < 10 ? 1 : 0) + ' ms'; }
    var s = ms / 1000;
    if (s < 60) { return s.toFixed(s < 10 ? 2 : 1) + ' s'; }
    var m = Math.floor(s / 60);
    return m + ' min ' + Math.round(s - 60 * m) + ' s';
  }
  function fmtBytes(b) {
    if (b == null || b < 0) { return '\u2013'; }
    var units = ['B', 'KiB', 'MiB', 'GiB'], i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return b.toFixed(i === 0 ? 0 : 1) + ' ' + units[i];
  }
  function fmtTime(epochMs) { return new Date(epochMs).toLocaleTimeString('en-GB'); }
  function replaceRows(tbody, rows) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function renderKpis(s) {
    $('pool').textContent = s.pool;
    $('k-queued').textContent = fmtInt(s.queued);
    $('k-inflight').textContent = fmtInt(s.inFlight);
    $('k-completed').textContent = fmtInt(s.completed);
    $('k-failed').textContent = fmtInt(s.failed);
    $('k-respawns').textContent = fmtInt(s.respawns);
    $('k-rate').textContent = s.tasksPerSecond >= 100 ? fmtInt(Math.round(s.tasksPerSecond))
      : s.tasksPerSecond.toFixed(1);
  }

  function renderWorkers(s) {
    replaceRows(document.querySelector('#workers tbody'), s.workers.map(function (w) {
      var pct = Math.round(w.busyRatio * 100);
      var now = w.currentTask
        ? el('td', { cls: 'mono', title: 'task ' + w.currentTask.taskId }, [
            document.createTextNode(w.currentTask.function + (w.currentTask.items > 1
              ? ' \u00d7' + w.currentTask.items : '') + '  '),
            el('span', { cls: 'hint', text: 'for ' + fmtMs(Math.max(0, s.at - w.currentTask.since)) })])
        : el('td', { cls: 'hint', text: 'idle' });
      return el('tr', { 'data-worker': w.name, 'data-pid': String(w.pid) }, [
        el('td', {}, [el('b', { text: w.name })]),
        td(String(w.pid), 'mono pid'),
        el('td', {}, [el('span', { cls: 'badge ' + w.state, text: w.state })]),
        td(fmtInt(w.tasksCompleted), 'num'),
        td(fmtInt(w.tasksFailed), 'num'),
        el('td', {}, [el('div', { cls: 'busy' }, [
          el('div', { cls: 'meter' }, [el('div', { style: 'width:' + pct + '%' })]),
          el('span', { text: pct + ' %' })])]),
        td(fmtBytes(w.rssBytes), 'num'),
        td(fmtMs(w.cpuTime), 'num'),
        td(fmtMs(w.startup), 'num'),
        now]);
    }));
  }

  function renderStream(s) {
    // the last minute, or less while the pool is younger: in steps of 15 s so the bars do not crawl
    var oldest = s.recentTasks.length ? s.recentTasks[0].finished - s.recentTasks[0].runTime : s.at;
    var WINDOW_MS = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS,
      Math.ceil((s.at - oldest) / MIN_WINDOW_MS) * MIN_WINDOW_MS));
    var from = s.at - WINDOW_MS;
    var lanes = [], byName = {};
    s.workers.forEach(function (w) { byName[w.name] = { name: w.name, pid: w.pid, live: true, worker: w };
      lanes.push(byName[w.name]); });
    s.recentTasks.forEach(function (t) {
      if (t.worker && !byName[t.worker]) {
        byName[t.worker] = { name: t.worker, live: false };
        lanes.push(byName[t.worker]);
      }
    });
    var box = $('stream');
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (lanes.length === 0) { box.appendChild(el('div', { cls: 'empty', text: 'no worker yet' })); return; }
    var tracks = {};
    lanes.forEach(function (lane) {
      var track = el('div', { cls: 'track' });
      tracks[lane.name] = track;
      box.appendChild(el('div', { cls: 'lane' + (lane.live ? '' : ' gone'), 'data-lane': lane.name }, [
        el('div', { cls: 'who', title: lane.name }, [el('b', { text: lane.name }),
          document.createTextNode(lane.live ? '  ' + lane.pid : '  ended')]), track]));
    });
    function bar(track, start, end, cls, title) {
      var left = Math.max(0, (start - from) / WINDOW_MS * 100);
      var right = Math.min(100, (end - from) / WINDOW_MS * 100);
      if (right <= 0) { return; }
      track.appendChild(el('div', { cls: 'task ' + cls, title: title,
        style: 'left:' + left.toFixed(3) + '%;width:' + Math.max(0.15, right - left).toFixed(3) + '%' }));
    }
    s.recentTasks.forEach(function (t) {
      var track = tracks[t.worker];
      if (!track || t.outcome === 'CANCELLED') { return; }
      var failed = t.outcome !== 'ANSWERED';
      var start = t.finished - Math.max(t.runTime, 0);
      if (failed && t.runTime === 0 && t.started != null) { start = t.started; }
      bar(track, start, t.finished, failed ? 'fail' : 'ok',
        t.function + ' \u00b7 task ' + t.id + ' \u00b7 ' + t.items + ' item(s) \u00b7 ' + fmtMs(t.runTime)
        + (t.error ? '\n' + t.error : '') + (t.arguments ? '\n' + t.arguments : ''));
    });
    s.workers.forEach(function (w) {
      if (w.currentTask) {
        bar(tracks[w.name], w.currentTask.since, s.at, 'run', 'running ' + w.currentTask.function);
      }
    });
    var ticks = [1, 0.75, 0.5, 0.25].map(function (f) { return '-' + Math.round(WINDOW_MS * f / 1000) + ' s'; });
    box.appendChild(el('div', { cls: 'axis' }, ticks.concat(['now']).map(function (t) {
      return el('span', { text: t }); })));
  }

  function renderThroughput(s) {
    var canvas = $('throughput'), ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = 150;
    canvas.width = width * ratio; canvas.height = height * ratio;
    var g = canvas.getContext('2d');
    g.scale(ratio, ratio);
    var data = s.throughput, max = Math.max.apply(null, data.concat([1]));
    var left = 44, bottom = 20, plotW = width - left - 6, plotH = height - bottom - 8;
    g.font = '11px sans-serif'; g.fillStyle = '#7d8a99'; g.strokeStyle = '#26303b'; g.lineWidth = 1;
    [0, 0.5, 1].forEach(function (f) {
      var y = 8 + plotH * (1 - f);
      g.beginPath(); g.moveTo(left, y + 0.5); g.lineTo(left + plotW, y + 0.5); g.stroke();
      var label = max * f; g.fillText(label >= 100 ? Math.round(label).toLocaleString('en-US') : label.toFixed(1), 4, y + 4);
    });
    var step = plotW / data.length;
    var grad = g.createLinearGradient(0, 8, 0, 8 + plotH);
    grad.addColorStop(0, '#4c9aff'); grad.addColorStop(1, '#8b7cf6');
    g.fillStyle = grad;
    data.forEach(function (v, i) {
      var h = plotH * v / max;
      g.fillRect(left + i * step + 1, 8 + plotH - h, Math.max(1, step - 2), h);
    });
    g.fillStyle = '#7d8a99';
    g.fillText('-60 s', left, height - 5);
    g.fillText('now', left + plotW - 20, height - 5);
  }

  function renderCalls(s) {
    var box = $('calls');
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (s.calls.length === 0) { box.appendChild(el('div', { cls: 'empty', text: 'no map or imap running' })); return; }
    s.calls.forEach(function (c, i) {
      var known = c.fraction != null;
      var pct = known ? c.fraction * 100 : 100;
      box.appendChild(el('div', { cls: 'call', 'data-done': String(c.done) }, [
        el('div', { cls: 'top' }, [
          el('span', { text: 'call ' + (i + 1) + ' \u00b7 ' + fmtInt(c.done) + (c.total != null ? ' / '
            + fmtInt(c.total) : '') + ' items' + (c.failed ? ' \u00b7 ' + c.failed + ' failed' : '')
            + (known ? ' \u00b7 ' + pct.toFixed(1) + ' %' : '') }),
          el('span', { cls: 'eta', text: c.itemsPerSecond.toFixed(1) + ' items/s \u00b7 '
            + (c.eta != null ? 'ETA ' + fmtMs(c.eta) : 'elapsed ' + fmtMs(c.elapsed)) })]),
        el('div', { cls: 'bar' }, [el('div', { cls: 'bar-fill' + (known ? '' : ' unknown'),
          'data-fraction': known ? c.fraction.toFixed(4) : '', style: 'width:' + pct.toFixed(2) + '%' })])]));
    });
  }

  function renderFailures(s) {
    var key = s.recentFailures.map(function (f) { return f.taskId; }).join(',');
    if (key === failuresKey) { return; }
    failuresKey = key;
    var box = $('failures'), open = {};
    box.querySelectorAll('details[open]').forEach(function (d) { open[d.getAttribute('data-task')] = true; });
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (s.recentFailures.length === 0) { box.appendChild(el('div', { cls: 'empty', text: 'none' })); return; }
    s.recentFailures.forEach(function (f) {
      var details = el('details', { cls: 'failure', 'data-task': String(f.taskId), 'data-outcome': f.outcome }, [
        el('summary', {}, [
          el('span', { cls: 'cls', text: f.exceptionClass }),
          document.createTextNode(f.message ? ': ' + f.message.split('\n')[0] : ''),
          el('div', { cls: 'meta', text: f.outcome + ' \u00b7 ' + (f.worker || 'no worker') + ' \u00b7 '
            + f.function + ' \u00b7 task ' + f.taskId + ' \u00b7 ' + fmtTime(f.at) })]),
        el('pre', { cls: 'mono', text: f.trace })]);
      if (open[String(f.taskId)]) { details.setAttribute('open', ''); }
      box.appendChild(details);
    });
  }

  function renderEnded(s) {
    var key = JSON.stringify(s.endedWorkers);
    if (key === endedKey) { return; }
    endedKey = key;
    $('ended-empty').style.display = s.endedWorkers.length ? 'none' : '';
    replaceRows(document.querySelector('#ended tbody'), s.endedWorkers.map(function (w) {
      return el('tr', { 'data-worker': w.name, 'data-pid': String(w.pid) }, [
        el('td', {}, [el('b', { text: w.name })]), td(String(w.pid), 'mono'), td(String(w.exitCode), 'num mono'),
        el('td', { text: w.reason, title: w.reason }),
        el('td', {}, [el('span', { cls: 'badge ' + (w.respawned ? 'yes' : 'no'),
          text: w.respawned ? 'respawned' : 'no' })]),
        td(fmtTime(w.ended))]);
    }));
  }

  function renderSlowest(s) {
    var key = s.slowest.map(function (t) { return t.id; }).join(',');
    if (key === slowestKey) { return; }
    slowestKey = key;
    replaceRows(document.querySelector('#slowest tbody'), s.slowest.map(function (t) {
      return el('tr', {}, [td(String(t.id), 'mono'), td(t.function, 'mono'), td(t.worker || '\u2013'),
        td(fmtInt(t.items), 'num'), td(fmtMs(t.runTime), 'num'),
        el('td', {}, [el('span', { cls: 'badge ' + (t.outcome === 'ANSWERED' ? 'yes' : 'no'), text: t.outcome })]),
        td(t.arguments || '\u2013', 'mono hint')]);
    }));
  }

  function render(s) {
    renderKpis(s); renderWorkers(s); renderStream(s); renderThroughput(s); renderCalls(s);
    renderFailures(s); renderEnded(s); renderSlowest(s);
    var status = $('status');
    status.className = 'status live';
    status.textContent = 'live \u00b7 ' + fmtTime(s.at);
  }

  function poll() {
    fetch('api/insights', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) {
        var status = $('status');
        status.className = 'status down';
        status.textContent = 'disconnected (' + e.message + ')';
      })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
