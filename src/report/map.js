// The page maps of report.html: the coverage map with its what-if mode, and the
// bed-accessibility map. Data: each box's JSON block `.map-data` (shape documented in
// src/report/html/interactive.rs). Symbols are redrawn at a fixed screen size after every
// zoom; layers switch by classes on the <svg>.
(function () {
function mount(box) {
  var D = JSON.parse(box.querySelector('script.map-data').textContent);
  var T = D.text;
  var svg = box.querySelector('svg.wm'), NS = svg.namespaceURI;
  // Beds per 1000 elderly in reach (the access map), and its class colours.
  var ACC = D.acc || null, COLORS = D.colors || null;
  var tip = box.querySelector('.tip');
  var V = D.v, S = D.s, R = D.reach, whatif = !!D.whatif && !!R;
  var full = [0, 0, D.w, D.h], vb = full.slice();
  var open = S.map(function (s) { return s[7] === 1; });
  var status = V.map(function (v) { return v[7]; });
  var nearest = V.map(function (v) { return [v[8], v[9]]; });
  var served = S.map(function (s) { return s[11]; });
  var covered = D.covered, newly = 0;

  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]; }); }
  function thousands(x) { var n = Math.round(x), s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ','); return n < 0 ? '-' + s : s; }
  function pct(x) { var s = (100 * x).toFixed(1); return (Number(s) === 0 ? (0).toFixed(1) : s) + '%'; }
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function group(cls) { return el('g', {'class': cls}, svg); }

  // Layers, bottom to top.
  // Unchosen candidates under the villages; existing and new sites above them, drawn
  // hollow so that the villages they serve stay visible.
  var gBound = group('bd'), gAreas = group('ar'), gCand = group('sites'), gVil = group('vil');
  var gExist = group('sites'), gNew = group('sites'), gTowns = group('tw');
  if (D.boundary) { el('path', {d: D.boundary}, gBound); }
  var areaOf = {};
  D.areas.forEach(function (a) { areaOf[a[0]] = el('path', {d: a[1]}, gAreas); });
  S.forEach(function (s, i) {
    // Crow-fly: one ring per village type, the larger first; a village of type K is served
    // when it lies inside a K ring of an open site.
    if (!areaOf[i] && s[12].length && s[8] === 1) {
      var g = el('g', {}, gAreas);
      s[12].slice().sort(function (a, b) { return b[0] - a[0]; }).forEach(function (ring) {
        el('circle', {cx: s[0], cy: s[1], r: ring[0], 'data-k': ring[1]}, g);
      });
      areaOf[i] = g;
    }
  });
  // Villages: the largest first, so small ones stay visible on top.
  var vil = [];
  var order = V.map(function (_, i) { return i; }).sort(function (a, b) { return V[b][2] - V[a][2] || a - b; });
  order.forEach(function (i) { vil[i] = el('circle', {'data-v': i, cx: V[i][0], cy: V[i][1]}, gVil); });
  var drawnStatus = [];
  var sym = S.map(function (s, i) {
    var existing = s[6] !== 3;
    var e = el(existing ? 'rect' : 'circle', {'data-s': i}, existing ? gExist : gCand);
    return e;
  });
  D.towns.forEach(function (t) {
    if (t[2] || t[3]) { var e = el('text', {x: t[2], y: t[3]}, gTowns); e.textContent = t[0]; }
  });

  // Symbols at a fixed screen size: `u` is map units per screen pixel.
  function unit() { var m = svg.getScreenCTM(); return m && m.a > 0 ? 1 / m.a : 1; }
  function draw() {
    var u = unit();
    // Positions are set once; a zoom changes radii, a what-if click classes.
    V.forEach(function (v, i) {
      var c = vil[i];
      c.setAttribute('r', v[2] * u);
      if (drawnStatus[i] !== status[i]) {
        c.setAttribute('class', 'v' + status[i]);
        if (COLORS) { c.style.fill = COLORS[status[i]]; }
        drawnStatus[i] = status[i];
      }
    });
    S.forEach(function (s, i) {
      var e = sym[i];
      if (s[6] !== 3) {
        var h = (s[9] ? 7 : 6) * u;
        e.setAttribute('x', s[0] - h); e.setAttribute('y', s[1] - h);
        e.setAttribute('width', 2 * h); e.setAttribute('height', 2 * h);
        e.setAttribute('class', 'sx' + (s[9] ? ' comp' : '') + (open[i] ? '' : ' dropped'));
      } else {
        e.setAttribute('cx', s[0]); e.setAttribute('cy', s[1]);
        e.setAttribute('r', (open[i] ? (s[9] ? 9.5 : 8.5) : 3.2) * u);
        e.setAttribute('class', open[i] ? 'sn' + (s[9] ? ' comp' : '') : 'sc');
        var parent = open[i] ? gNew : gCand;
        if (e.parentNode !== parent) { parent.appendChild(e); }
      }
      if (areaOf[i]) { areaOf[i].style.display = open[i] && s[8] === 1 ? '' : 'none'; }
    });
    gTowns.setAttribute('font-size', 13 * u);
    gTowns.setAttribute('stroke-width', 3 * u);
  }
  function apply() { svg.setAttribute('viewBox', vb.join(' ')); draw(); }
  function reset() { vb = full.slice(); apply(); }
  function zoom(f, cx, cy) {
    var w = vb[2] * f;
    if (w >= full[2]) { reset(); return; }
    if (w < full[2] / 80) { return; }
    vb = [cx - (cx - vb[0]) * f, cy - (cy - vb[1]) * f, w, vb[3] * f];
    apply();
  }
  function toMap(e) { var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY; return p.matrixTransform(svg.getScreenCTM().inverse()); }

  // What-if: coverage exactly as the plan counts it without capacities.
  function recompute() {
    if (!whatif) { return; }
    covered = 0; newly = 0;
    served = S.map(function () { return 0; });
    V.forEach(function (v, i) {
      var list = R[i], best = -1, mins = null, existing = false;
      for (var k = 0; k < list.length; k += 2) {
        var s = list[k];
        if (!open[s] || S[s][8] !== 1) { continue; }
        if (best < 0) { best = s; mins = list[k + 1]; }
        if (S[s][6] === 0) { existing = true; }
      }
      var w = v[6];
      if (best >= 0) { covered += w; served[best] += w; }
      status[i] = w <= 0 ? 3 : existing ? 0 : best >= 0 ? 1 : 2;
      if (status[i] === 1) { newly += w; }
      nearest[i] = [best, mins];
    });
  }
  function rules() {
    var have = {};
    S.forEach(function (s, i) { if (open[i] && s[9] === 1) { have[s[5]] = (have[s[5]] || 0) + 1; } });
    var out = [];
    if (D.rules.per_street > 0) {
      var streets = D.towns.filter(function (t) { return t[1] === 0; });
      var ok = streets.filter(function (t) { return (have[t[0]] || 0) >= D.rules.per_street; }).length;
      out.push([T.street + ' ' + D.rules.per_street + ' ' + T.street2 + ' ' + ok + ' / ' + streets.length, ok === streets.length]);
    }
    if (D.rules.share !== null && D.rules.share > 0) {
      var towns = D.towns.filter(function (t) { return t[1] !== 2; });
      var need = Math.ceil(D.rules.share * towns.length - 1e-9);
      var with1 = towns.filter(function (t) { return (have[t[0]] || 0) > 0; }).length;
      out.push([T.town + ' ' + with1 + ' / ' + towns.length + ' (' + T.need + ' ' + need + ')', with1 >= need]);
    }
    if (D.rules.per_county > 0) {
      // Comprehensive centres in each county's 镇 and 乡 (towns of kind 1 with a county).
      var inCounty = {};
      D.towns.forEach(function (t) {
        if (t[1] === 1 && t[4]) { inCounty[t[4]] = (inCounty[t[4]] || 0) + (have[t[0]] || 0); }
      });
      var counties = Object.keys(inCounty);
      var okc = counties.filter(function (c) { return inCounty[c] >= D.rules.per_county; }).length;
      // No county told (ids not statistical codes, or no 镇/乡), or a 镇/乡 whose county is
      // unknown: not met, as the plan says.
      var untold = D.towns.some(function (t) { return t[1] === 1 && !t[4]; });
      out.push([T.county + ' ' + D.rules.per_county + ' ' + T.county2 + ' ' + okc + ' / ' + counties.length, counties.length > 0 && !untold && okc === counties.length]);
    }
    return out;
  }
  function newCount() { var n = 0; S.forEach(function (s, i) { if (s[6] === 3 && open[i]) { n++; } }); return n; }
  function cost() { var c = D.cost_other; S.forEach(function (s, i) { if (s[6] === 3 && open[i]) { c += s[10]; } }); return c; }
  function changes() {
    var out = [];
    S.forEach(function (s, i) {
      if (open[i] !== (s[7] === 1)) { out.push((open[i] ? '+ ' : '− ') + s[2] + ' ' + s[3]); }
    });
    return out;
  }
  function setText(id, html) { var e = document.getElementById(id); if (e) { e.innerHTML = html; } }
  function panel() {
    if (!whatif) { return; }
    var share = D.total > 0 ? covered / D.total : 0;
    var cov = document.getElementById('wi-covered');
    cov.textContent = thousands(covered);
    cov.setAttribute('data-value', String(covered));
    setText('wi-share', pct(share) + ' <small>(' + esc(T.plan) + ' ' + pct(D.total > 0 ? D.covered / D.total : 0) + ')</small>');
    setText('wi-sites', String(newCount()));
    setText('wi-cost', thousands(cost()) + ' <small>' + esc(T.wan) + '</small>');
    setText('wi-rules', rules().map(function (r) {
      return '<li>' + esc(r[0]) + ' <span class="badge ' + (r[1] ? 'good">' + esc(T.met) : 'bad">' + esc(T.unmet)) + '</span></li>';
    }).join(''));
    var ch = changes();
    setText('wi-changes', ch.length ? ch.map(function (c) { return '<li>' + esc(c) + '</li>'; }).join('') : '<li>' + esc(T.nochange) + '</li>');
    // The key-figure cards at the top of the report.
    setText('card-coverage', pct(D.total > 0 ? D.covered_before / D.total : 0) + ' → ' + pct(share));
    setText('card-sites', newCount() + '<small> ' + esc(T.unit_sites) + '</small>');
    setText('card-newly', esc(document.getElementById('card-newly').getAttribute('data-label')) + ' ' + thousands(newly));
    setText('card-cost', thousands(cost()) + '<small> ' + esc(T.wan) + '</small>');
  }
  function toggle(i) {
    if (!whatif || i < 0 || i >= S.length) { return; }
    open[i] = !open[i];
    recompute(); draw(); panel();
  }
  function backToPlan() { open = S.map(function (s) { return s[7] === 1; }); recompute(); draw(); panel(); }
  function csvCell(s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function decisionsCsv() {
    var rows = ['id,decision'];
    S.forEach(function (s, i) { if (s[6] === 3) { rows.push(csvCell(s[2]) + ',' + (open[i] ? 'required' : 'excluded')); } });
    S.forEach(function (s, i) { if (s[6] !== 3 && !open[i]) { rows.push(csvCell(s[2]) + ',excluded'); } });
    return rows.join('\n') + '\n';
  }
  function save() {
    var url = URL.createObjectURL(new Blob([decisionsCsv()], {type: 'text/csv'}));
    var a = document.createElement('a');
    a.href = url; a.download = 'decisions.csv';
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // Details.
  function villageHtml(i) {
    var v = V[i], n = nearest[i];
    var h = '<b>' + esc(v[3]) + '</b> · ' + esc(v[4]) + '<br>' + esc(T.elderly) + ': ' + thousands(v[5]);
    if (v[6] !== v[5]) { h += ' (' + esc(T.inscope) + ' ' + thousands(v[6]) + ')'; }
    var sw = COLORS ? ' style="background:' + esc(COLORS[status[i]]) + '"' : '';
    h += '<br><span class="sw v' + status[i] + '"' + sw + '></span>' + esc(T.classes[status[i]]);
    if (ACC) { return h + '<br>' + esc(T.access) + ': ' + (ACC[i] === null ? esc(T.none) : ACC[i]); }
    h += '<br>' + esc(T.nearest) + ': ' + (n[0] >= 0 ? esc(S[n[0]][2]) + ' ' + esc(S[n[0]][3]) + (n[1] === null ? '' : ' · ' + n[1] + ' ' + esc(T.min)) : esc(T.none));
    return h;
  }
  function siteHtml(i) {
    var s = S[i], state;
    if (s[6] === 3) { state = open[i] ? T.open : T.closed; } else { state = open[i] ? (s[6] === 1 ? T.upgraded : T.existing1) : T.dropped; }
    if (ACC) { return '<b>' + esc(s[2]) + '</b> ' + esc(s[3]) + '<br>' + esc(s[4]) + ' · ' + esc(s[5]) + ' · ' + esc(s[6] === 3 ? T.planned : T.existing1); }
    var h = '<b>' + esc(s[2]) + '</b> ' + esc(s[3]) + '<br>' + esc(s[4]) + ' · ' + esc(s[5]) + ' · ' + esc(state);
    if (s[6] === 3 && s[7] === 1) { h += ' (' + esc(T.planned) + ')'; }
    if (open[i] && s[8] === 1) { h += '<br>' + esc(T.served) + ': ' + thousands(served[i]); }
    if (whatif) { h += '<br><i>' + esc(s[6] === 3 ? T.click_open : T.click_drop) + '</i>'; }
    return h;
  }
  // What lies under the pointer, whatever the drawing order: the nearest site within its
  // symbol, the nearest village within its circle (3 px of slack each), else the element.
  function hit(e) {
    var site = -1, village = -1, t = e.target;
    if (e.clientX || e.clientY) {
      var p = toMap(e), u = unit(), sd = Infinity, vd = Infinity;
      // The nearest site within a few pixels of its symbol. An unchosen candidate (a small
      // dot drawn under the villages) counts 2 pixels farther: a click is whole pixels, and
      // the centre of an existing site's square must not go to a candidate 1.5 pixels away.
      S.forEach(function (s, i) {
        if (svg.classList.contains('hide-' + (s[6] === 3 ? (open[i] ? 'sn' : 'sc') : 'sx'))) { return; }
        var d = Math.hypot(s[0] - p.x, s[1] - p.y);
        var closed = s[6] === 3 && !open[i];
        var size = s[6] !== 3 ? 7 : open[i] ? 9.5 : 3.2;
        var rank = d + (closed ? 2 * u : 0);
        if (d < (size + 3) * u && rank < sd) { sd = rank; site = i; }
      });
      V.forEach(function (v, i) {
        if (svg.classList.contains('hide-v' + status[i])) { return; }
        var d = Math.hypot(v[0] - p.x, v[1] - p.y);
        if (d < (v[2] + 3) * u && d < vd) { vd = d; village = i; }
      });
    }
    if (site < 0 && village < 0 && t && t.hasAttribute) {
      if (t.hasAttribute('data-s')) { site = +t.getAttribute('data-s'); }
      if (t.hasAttribute('data-v')) { village = +t.getAttribute('data-v'); }
    }
    return [site, village];
  }
  function show(at, e) {
    var h = '';
    if (at[0] >= 0) { h += siteHtml(at[0]); }
    if (at[1] >= 0) { h += (h ? '<hr>' : '') + villageHtml(at[1]); }
    if (!h) { tip.hidden = true; return; }
    tip.innerHTML = h; tip.hidden = false;
    var r = box.querySelector('.map-view').getBoundingClientRect();
    var x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
    if (x + tip.offsetWidth > r.width) { x = e.clientX - r.left - tip.offsetWidth - 14; }
    if (y + tip.offsetHeight > r.height) { y = e.clientY - r.top - tip.offsetHeight - 14; }
    tip.style.left = Math.max(0, x) + 'px'; tip.style.top = Math.max(0, y) + 'px';
  }

  // Pointer: wheel zooms, drag pans, hover shows, click toggles (what-if) and pins details.
  var drag = null, moved = false;
  svg.addEventListener('wheel', function (e) { e.preventDefault(); var p = toMap(e); zoom(e.deltaY < 0 ? 0.8 : 1.25, p.x, p.y); }, {passive: false});
  svg.addEventListener('pointerdown', function (e) { drag = {x: e.clientX, y: e.clientY, vb: vb.slice(), u: unit()}; moved = false; });
  window.addEventListener('pointermove', function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    moved = true; svg.classList.add('dragging'); tip.hidden = true;
    vb[0] = drag.vb[0] - dx * drag.u; vb[1] = drag.vb[1] - dy * drag.u;
    svg.setAttribute('viewBox', vb.join(' '));
  });
  window.addEventListener('pointerup', function () { drag = null; svg.classList.remove('dragging'); });
  svg.addEventListener('pointermove', function (e) { if (!drag) { show(hit(e), e); } });
  svg.addEventListener('pointerleave', function () { if (!drag) { tip.hidden = true; } });
  svg.addEventListener('click', function (e) {
    if (moved) { moved = false; return; }
    var at = hit(e);
    if (at[0] >= 0) { toggle(at[0]); }
    show(at, e);
  });
  box.querySelectorAll('.toolbar button[data-act]').forEach(function (b) {
    b.addEventListener('click', function () {
      var a = b.getAttribute('data-act'), cx = vb[0] + vb[2] / 2, cy = vb[1] + vb[3] / 2;
      if (a === 'in') { zoom(0.67, cx, cy); } else if (a === 'out') { zoom(1.5, cx, cy); } else { reset(); }
    });
  });
  box.querySelectorAll('.layers input').forEach(function (c) {
    c.addEventListener('change', function () { svg.classList.toggle('hide-' + c.value, !c.checked); });
  });
  var b1 = document.getElementById('wi-reset'), b2 = document.getElementById('wi-save');
  if (whatif && b1) { b1.addEventListener('click', backToPlan); }
  if (whatif && b2) { b2.addEventListener('click', save); }
  window.addEventListener('resize', draw);

  recompute(); apply(); panel();
  return {toggle: toggle, zoom: zoom, reset: reset, decisionsCsv: decisionsCsv, covered: function () { return covered; }, sites: S};
}
// For tests and the console: every map by its box id, the coverage map also as yanglaoMap.
window.yanglaoMaps = {};
document.querySelectorAll('.page-map').forEach(function (box) { window.yanglaoMaps[box.id] = mount(box); });
window.yanglaoMap = window.yanglaoMaps.wmap;
})();
