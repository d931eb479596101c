// The Sluice catalog page: draws window.SLUICE_CATALOG (set by catalog-data.js); when served, it
// polls api/catalog for new audit and drift events.
(function () {
  'use strict';

  var ZONE_COLOURS = { restricted: '#c0392b', analytics: '#2e86c1', partner: '#8e44ad' };
  var model = window.SLUICE_CATALOG;
  var chart = null;
  var selectedColumn = null;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function datasetById(id) {
    return model.datasets.find(function (d) { return d.id === id; });
  }

  function pipelineByName(name) {
    return model.pipelines.find(function (p) { return p.name === name; });
  }

  function lineageOf(columnId) {
    return model.lineage.find(function (l) { return l.column === columnId; });
  }

  // --- graph --------------------------------------------------------------------------------
  function graphData() {
    var nodes = [];
    var links = [];
    var depth = {};
    model.datasets.forEach(function (d) { depth['d:' + d.id] = 0; });
    model.pipelines.forEach(function (p) { depth['p:' + p.name] = 1; });
    // longest path layering (bounded: the graph may have cycles)
    for (var round = 0; round < 20; round++) {
      var changed = false;
      model.pipelines.forEach(function (p) {
        (p.reads || []).forEach(function (r) {
          if (depth['p:' + p.name] < depth['d:' + r] + 1) { depth['p:' + p.name] = depth['d:' + r] + 1; changed = true; }
        });
        (p.writes || []).forEach(function (w) {
          if (depth['d:' + w] < depth['p:' + p.name] + 1) { depth['d:' + w] = depth['p:' + p.name] + 1; changed = true; }
        });
      });
      if (!changed) { break; }
    }
    var perLayer = {};
    function place(key) {
      var layer = depth[key];
      perLayer[layer] = (perLayer[layer] || 0) + 1;
      return [layer * 260, perLayer[layer] * 70];
    }
    model.datasets.forEach(function (d) {
      var xy = place('d:' + d.id);
      nodes.push({
        id: 'd:' + d.id, name: d.id, x: xy[0], y: xy[1], symbol: 'roundRect', symbolSize: [150, 30],
        itemStyle: { color: ZONE_COLOURS[d.zone] || '#7f8c8d' },
        label: { show: true, color: '#fff', fontSize: 11, width: 140, overflow: 'truncate' },
        kind: 'dataset'
      });
    });
    model.pipelines.forEach(function (p) {
      var xy = place('p:' + p.name);
      nodes.push({
        id: 'p:' + p.name, name: p.name, x: xy[0], y: xy[1], symbol: 'diamond', symbolSize: 26,
        itemStyle: { color: p.decision === 'REJECT' ? '#c0392b' : '#27ae60' },
        label: { show: true, position: 'bottom', fontSize: 11 },
        kind: 'pipeline'
      });
      (p.reads || []).forEach(function (r) { links.push({ source: 'd:' + r, target: 'p:' + p.name }); });
      (p.writes || []).forEach(function (w) { links.push({ source: 'p:' + p.name, target: 'd:' + w }); });
    });
    return { nodes: nodes, links: links };
  }

  function drawGraph() {
    var container = document.getElementById('graph');
    var data = graphData();
    chart = echarts.init(container, null, { renderer: 'canvas' });
    chart.on('finished', function () {
      container.setAttribute('data-rendered-nodes', String(data.nodes.length));
      container.setAttribute('data-rendered-links', String(data.links.length));
    });
    chart.setOption({
      animation: false,
      tooltip: { formatter: function (p) { return p.dataType === 'node' ? p.data.name : ''; } },
      series: [{
        type: 'graph', layout: 'none', roam: true, data: data.nodes, links: data.links,
        edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 8,
        lineStyle: { color: '#95a5a6', width: 1.5, curveness: 0.1 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 3 } }
      }]
    });
    chart.on('click', function (p) {
      if (p.dataType !== 'node') { return; }
      if (p.data.kind === 'dataset') { showDataset(p.data.name); } else { showPipeline(p.data.name); }
    });
    window.addEventListener('resize', function () { chart.resize(); });
    window.sluiceGraph = { chart: chart, nodes: data.nodes.length, links: data.links.length };
  }

  function highlight(ids) {
    if (!chart) { return; }
    var option = chart.getOption();
    var nodes = option.series[0].data;
    chart.dispatchAction({ type: 'downplay', seriesIndex: 0 });
    nodes.forEach(function (n, i) {
      if (ids.indexOf(n.id) >= 0) { chart.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: i }); }
    });
  }

  // --- details and lineage ------------------------------------------------------------------
  function columnChip(dataset, c) {
    var classes = c.classes || [];
    var chip = el('span', {
      'class': 'column' + (classes.length ? ' classified' : ''), 'data-column': c.id,
      title: classes.join(', ')
    }, [c.name]);
    if (classes.length) {
      var names = classes.map(function (x) { return x.split(' ')[0]; })
        .filter(function (x, i, all) { return all.indexOf(x) === i; });
      chip.appendChild(el('span', { 'class': 'class', text: ' ' + names.join(' ') }));
    }
    chip.addEventListener('click', function (ev) { ev.stopPropagation(); showColumn(c.id); });
    return chip;
  }

  function showDataset(id) {
    var d = datasetById(id);
    var box = document.getElementById('details');
    box.innerHTML = '';
    box.appendChild(el('h2', { text: 'Dataset ' + id }));
    var rows = [
      ['identity', d.identity], ['zone', d.zone || '—'], ['region', d.region || '—'],
      ['owner', (d.owners || []).join(', ') || '—'], ['retention', d.retention || '—'],
      ['tables', (d.tables || []).join(', ')]
    ];
    if (d.live) { rows.push(['rows', liveText(d.live)]); }
    var t = el('table', { id: 'dataset-details' });
    rows.forEach(function (r) { t.appendChild(el('tr', {}, [el('th', { text: r[0] }), el('td', { text: String(r[1]) })])); });
    box.appendChild(t);
    var cols = el('div', { 'class': 'columns' });
    (d.columns || []).forEach(function (c) { cols.appendChild(columnChip(d, c)); });
    box.appendChild(cols);
    highlight(['d:' + id]);
  }

  function showPipeline(name) {
    var p = pipelineByName(name);
    var box = document.getElementById('details');
    box.innerHTML = '';
    box.appendChild(el('h2', { text: 'Pipeline ' + name }));
    box.appendChild(el('p', {}, [el('span', { 'class': 'decision-' + p.decision, text: p.decision }), ' ' + p.file + ' (owner ' + p.owner + ')']));
    if (p.description) { box.appendChild(el('p', { text: p.description })); }
    (p.findings || []).forEach(function (f) { box.appendChild(el('div', { 'class': 'finding', text: f })); });
    highlight(['p:' + name]);
  }

  // the sources of a column, followed upstream through every pipeline that writes them
  function lineageTree(columnId, seen) {
    var l = lineageOf(columnId);
    var ul = el('ul');
    if (!l) { return null; }
    l.sources.forEach(function (s) {
      var masks = (s.functions || []);
      var li = el('li', { 'class': 'lineage-source', 'data-source': s.column }, [
        el('code', { text: s.column }), ' ',
        masks.length ? el('span', { 'class': 'via', text: 'via ' + masks.join(' → ') }) : el('span', { 'class': 'raw', text: 'copied as is' }),
        ' ', el('span', { 'class': 'class', text: (s.classes || []).join(', ') }),
        el('span', { 'class': 'hint', text: '  (' + l.pipeline + ')' })
      ]);
      if (seen.indexOf(s.column) < 0) {
        var up = lineageTree(s.column, seen.concat([s.column]));
        if (up) { li.appendChild(up); }
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function datasetOfColumn(columnId) {
    var best = null;
    model.datasets.forEach(function (d) {
      if (columnId.indexOf(d.id + '.') === 0 && (!best || d.id.length > best.length)) { best = d.id; }
    });
    return best;
  }

  function showColumn(columnId) {
    selectedColumn = columnId;
    document.querySelectorAll('.column.selected').forEach(function (c) { c.classList.remove('selected'); });
    document.querySelectorAll('.column[data-column="' + CSS.escape(columnId) + '"]').forEach(function (c) { c.classList.add('selected'); });
    var box = document.getElementById('lineage');
    box.innerHTML = '';
    box.appendChild(el('h2', { text: 'Column lineage' }));
    box.appendChild(el('p', {}, [el('code', { id: 'lineage-column', text: columnId })]));
    var ds = datasetById(datasetOfColumn(columnId));
    var col = ds && (ds.columns || []).find(function (c) { return c.id === columnId; });
    if (col && (col.classes || []).length) {
      box.appendChild(el('p', {}, ['carries ', el('span', { 'class': 'class', text: col.classes.join(', ') })]));
    }
    var tree = lineageTree(columnId, [columnId]);
    box.appendChild(tree || el('p', { 'class': 'hint', id: 'lineage-none', text: 'No pipeline writes this column: it is a source.' }));
    var ids = [];
    (function collect(c, depth) {
      var ds2 = datasetOfColumn(c);
      if (ds2) { ids.push('d:' + ds2); }
      var l = lineageOf(c);
      if (!l || depth > 20) { return; }
      ids.push('p:' + l.pipeline);
      l.sources.forEach(function (s) { collect(s.column, depth + 1); });
    })(columnId, 0);
    highlight(ids);
  }

  function liveText(live) {
    if (live.error) { return 'unreadable: ' + live.error; }
    return live.rows + ' rows' + (live.lastCommit ? ', last commit ' + live.lastCommit : '');
  }

  // --- tables -------------------------------------------------------------------------------
  function fill(tableId, rows) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.innerHTML = '';
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function renderTables() {
    document.getElementById('generated').textContent = 'planned ' + model.generatedAt + ' from ' + (model.policyFiles || []).join(', ');
    fill('decisions', model.pipelines.map(function (p) {
      var audited = p.audited ? el('span', {}, [el('span', { 'class': 'decision-' + p.audited.decision, text: p.audited.decision }), ' ' + p.audited.time + ' (' + p.audited.context + ')']) : el('span', { 'class': 'hint', text: 'none' });
      var name = el('a', { 'class': 'ds', text: p.name });
      name.addEventListener('click', function () { showPipeline(p.name); });
      return el('tr', { 'class': 'pipeline', 'data-pipeline': p.name }, [
        el('td', {}, [name, el('div', { 'class': 'hint', text: p.file })]), el('td', { text: p.owner || '' }),
        el('td', {}, [el('span', { 'class': 'decision decision-' + p.decision, text: p.decision })]),
        el('td', {}, [audited]),
        el('td', {}, (p.findings || []).map(function (f) { return el('div', { 'class': 'finding', text: f }); }))
      ]);
    }));
    fill('datasets', model.datasets.map(function (d) {
      var name = el('a', { 'class': 'ds', text: d.id });
      name.addEventListener('click', function () { showDataset(d.id); });
      var cols = el('td');
      (d.columns || []).forEach(function (c) { cols.appendChild(columnChip(d, c)); });
      return el('tr', { 'class': 'dataset', 'data-dataset': d.id }, [
        el('td', {}, [name]), el('td', { text: d.kind }), el('td', { text: (d.owners || []).join(', ') }),
        el('td', { text: d.zone || '' }), el('td', { text: d.region || '' }), el('td', { text: d.retention || '' }),
        el('td', { text: d.live ? liveText(d.live) : '' }), cols
      ]);
    }));
    fill('drift', (model.drift || []).map(function (e) {
      return el('tr', { 'class': 'drift-event' }, [
        el('td', { text: e.firstSeen || e.time }), el('td', { text: e.dataset }), el('td', { text: e.column }),
        el('td', { text: e['class'] }), el('td', { text: (100 * e.share).toFixed(1) + ' %' }),
        el('td', { 'class': 'drift-action', text: e.action }), el('td', { text: e.pipeline || '' })
      ]);
    }));
    fill('audit', (model.audit || []).map(function (r) {
      var subject = r.pipeline || r.table || r.dataset || r.subject || '';
      var what;
      if (r.kind === 'gate') {
        what = el('span', {}, [el('span', { 'class': 'decision-' + r.decision, text: r.decision }), ' ' + (r.context || '') + ' ' + (r.ruleIds || []).join(', ')]);
      } else if (r.kind === 'drift') {
        what = el('span', { text: r['class'] + ' in ' + r.column + ' (' + (100 * r.share).toFixed(1) + ' %), ' + r.action });
      } else {
        what = el('span', { text: r.action || r.detail || r.status || JSON.stringify(r).slice(0, 160) });
      }
      return el('tr', { 'class': 'audit-event', 'data-kind': r.kind }, [
        el('td', { text: r.time || '' }), el('td', { text: r.kind }), el('td', { text: subject }), el('td', {}, [what])
      ]);
    }));
    if (selectedColumn) { showColumn(selectedColumn); }
  }

  function poll() {
    if (location.protocol !== 'http:' && location.protocol !== 'https:') { return; }
    setInterval(function () {
      fetch('api/catalog').then(function (r) { return r.json(); }).then(function (m) {
        model = m;
        renderTables();
      }).catch(function () { /* the server stopped: keep what is shown */ });
    }, 5000);
  }

  renderTables();
  drawGraph();
  poll();
})();
