// @ts-check
// The simulation webview page: steps through the timelines the extension sends (see
// src/shared/webview-protocol.ts) and reports the current step's lines back for highlighting.
// No network, no eval: everything is built with DOM calls from the posted data.
(function () {
  /** @typedef {import('../src/shared/webview-protocol').ToWebview} ToWebview */
  /** @typedef {import('../src/shared/webview-protocol').FromWebview} FromWebview */
  /** @typedef {import('../src/shared/webview-protocol').SimulationView} SimulationView */
  /** @typedef {import('../src/shared/webview-protocol').Timeline} Timeline */
  /** @typedef {import('../src/shared/webview-protocol').StepCell} StepCell */
  /** @typedef {import('../src/core').PageState} PageState */
  /** @typedef {{ hunk: number, scenario: string, side: 'before' | 'after', step: number, diagramType: string }} UiState */

  // @ts-expect-error acquireVsCodeApi is injected by VS Code into webviews.
  const vscode = acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  const SVG = 'http://www.w3.org/2000/svg';

  /** @type {SimulationView | undefined} */
  let view;
  /** @type {UiState} */
  let ui = vscode.getState() || { hunk: 0, scenario: '', side: 'before', step: 0, diagramType: '' };

  /** @param {FromWebview} m */
  const post = (m) => vscode.postMessage(m);

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag @param {Record<string, string>} [attrs] @param {(Node | string)[]} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function h(tag, attrs = {}, children = []) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    for (const c of children) el.append(c);
    return el;
  }

  /** @returns {Timeline | undefined} */
  function timeline() {
    if (!view) return undefined;
    return view.timelines.find((t) => t.scenario === ui.scenario && t.side === ui.side)
      || view.timelines.find((t) => t.scenario === ui.scenario)
      || view.timelines[0];
  }

  /** @param {number | null} n */
  const num = (n) => (n === null ? '?' : String(n));

  /** @param {StepCell} c @returns {[string, string, string][]} label, before, after */
  function stateRows(c) {
    const b = c.before, a = c.after;
    /** @param {PageState} s */
    const mapping = (s) => (s.mapping === 'none' ? 'none' : `${s.mapping}${s.mappingHoldsRef ? ' (holds ref)' : ''}`);
    return [
      ['refcount', num(b.refcount), num(a.refcount)],
      ['mapcount', String(b.mapcount), String(a.mapcount)],
      ['pgmap ref', String(b.pgmapRefs), String(a.pgmapRefs)],
      ['mapping', mapping(b), mapping(a)],
      ['pinned', String(b.pinned), String(a.pinned)],
      ['phase', b.phase, a.phase],
    ];
  }

  const PHASES = /** @type {const} */ ({
    free: [70, 45], allocated: [210, 45], mapped: [350, 45], pinned: [350, 125], 'torn-down': [70, 125],
  });
  const EDGES = [['free', 'allocated'], ['allocated', 'free'], ['allocated', 'mapped'], ['mapped', 'allocated'],
    ['mapped', 'pinned'], ['pinned', 'mapped'], ['free', 'torn-down'], ['allocated', 'torn-down']];

  /** The page's life as a small state diagram; the current transition of `cell` highlighted. @param {StepCell | null} cell */
  function diagram(cell) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 430 170');
    svg.setAttribute('id', 'diagram');
    svg.setAttribute('role', 'img');
    const defs = document.createElementNS(SVG, 'defs');
    const marker = document.createElementNS(SVG, 'marker');
    for (const [k, v] of Object.entries({ id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' })) marker.setAttribute(k, v);
    const tip = document.createElementNS(SVG, 'path');
    tip.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
    marker.append(tip);
    defs.append(marker);
    svg.append(defs);
    const from = cell ? cell.before.phase : '', to = cell ? cell.after.phase : '';
    /** @param {string} a @param {string} b @param {string} cls */
    const edge = (a, b, cls) => {
      const [x1, y1] = PHASES[/** @type {keyof typeof PHASES} */ (a)], [x2, y2] = PHASES[/** @type {keyof typeof PHASES} */ (b)];
      const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
      // Offset the two directions of an edge sideways so they do not overlap, and stop at the boxes.
      const ox = (-dy / len) * 6, oy = (dx / len) * 6, sx = (dx / len) * 48, sy = (dy / len) * 20;
      const line = document.createElementNS(SVG, 'line');
      for (const [k, v] of Object.entries({ x1: x1 + sx + ox, y1: y1 + sy + oy, x2: x2 - sx + ox, y2: y2 - sy + oy })) line.setAttribute(k, String(v));
      line.setAttribute('class', cls);
      line.setAttribute('marker-end', 'url(#arrow)');
      svg.append(line);
    };
    for (const [a, b] of EDGES) edge(a, b, a === from && b === to ? 'edge current' : 'edge');
    if (from && to && from !== to && !EDGES.some(([a, b]) => a === from && b === to)) edge(from, to, 'edge current');
    for (const [name, [x, y]] of Object.entries(PHASES)) {
      const g = document.createElementNS(SVG, 'g');
      g.setAttribute('class', `node${name === to ? ' current' : name === from ? ' previous' : ''}`);
      g.setAttribute('data-phase', name);
      const rect = document.createElementNS(SVG, 'rect');
      for (const [k, v] of Object.entries({ x: x - 45, y: y - 17, width: 90, height: 34, rx: 6 })) rect.setAttribute(k, String(v));
      const text = document.createElementNS(SVG, 'text');
      text.setAttribute('x', String(x));
      text.setAttribute('y', String(y + 4));
      text.textContent = name;
      g.append(rect, text);
      svg.append(g);
    }
    svg.setAttribute('aria-label', cell ? `transition ${from} to ${to}` : 'no step');
    return svg;
  }

  function render() {
    if (!view) return;
    const t = timeline();
    if (!t) {
      app.replaceChildren(h('p', { id: 'status' }, ['The simulation produced no trace for this hunk.']));
      return;
    }
    ui.scenario = t.scenario;
    ui.side = t.side;
    ui.step = Math.max(0, Math.min(ui.step, t.rows.length - 1));
    const row = t.rows[ui.step];
    if (!t.types.includes(/** @type {any} */ (ui.diagramType))) ui.diagramType = t.types[0] || '';
    vscode.setState(ui);

    const hunkSelect = h('select', { id: 'hunk', 'aria-label': 'hunk' }, view.hunks.map((x) => {
      const o = h('option', { value: String(x.number) }, [x.label]);
      o.selected = x.number === view?.hunkNumber;
      return o;
    }));
    hunkSelect.addEventListener('change', () => post({ kind: 'hunk', number: Number(hunkSelect.value) }));

    const scenarios = [...new Set(view.timelines.map((x) => x.scenario))];
    const scenarioSelect = h('select', { id: 'scenario', 'aria-label': 'scenario' }, scenarios.map((s) => {
      const o = h('option', { value: s }, [s]);
      o.selected = s === t.scenario;
      return o;
    }));
    scenarioSelect.addEventListener('change', () => { ui.scenario = scenarioSelect.value; ui.step = 0; render(); });

    /** @param {'before' | 'after'} side */
    const sideButton = (side) => {
      const b = h('button', { id: `side-${side}`, 'aria-pressed': String(t.side === side), class: t.side === side ? 'on' : '' }, [`${side} the patch`]);
      b.disabled = !view?.timelines.some((x) => x.scenario === t.scenario && x.side === side);
      b.addEventListener('click', () => { ui.side = side; render(); });
      return b;
    };
    const prev = h('button', { id: 'prev', title: 'Previous step (← or k)' }, ['◀ Previous']);
    const next = h('button', { id: 'next', title: 'Next step (→ or j)' }, ['Next ▶']);
    prev.disabled = ui.step <= 0;
    next.disabled = ui.step >= t.rows.length - 1;
    prev.addEventListener('click', () => move(-1));
    next.addEventListener('click', () => move(1));

    const head = h('header', {}, [
      h('h1', { id: 'sim-title' }, [`${view.path} · hunk ${view.hunkNumber} · era ${view.era}`]),
      h('pre', { id: 'sim-header' }, [view.header]),
      h('div', { class: 'controls' }, [hunkSelect, scenarioSelect, sideButton('before'), sideButton('after')]),
      h('div', { class: 'controls' }, [prev, h('span', { id: 'counter' }, [row ? `step ${ui.step + 1} / ${t.rows.length}` : 'no steps']), next]),
    ]);
    if (!row) {
      app.replaceChildren(head, h('p', { id: 'status' }, ['No steps in this scenario.']));
      post({ kind: 'step', lines: [] });
      return;
    }

    const current = h('div', { id: 'current' }, [
      h('span', { class: 'label' }, [`${row.phase}: `]),
      h('code', { id: 'statement' }, [row.statement]),
      h('span', { id: 'step-lines' }, [row.line !== undefined ? ` line ${row.line + 1}` : ' (API table)']),
      h('span', { class: 'label' }, [` in ${row.function}`]),
    ]);

    const table = h('table', { id: 'states' });
    const headRow = h('tr', {}, [h('th', {}, [''])]);
    t.types.forEach((type) => {
      const th = h('th', { class: type === ui.diagramType ? 'chosen' : '', title: 'Show this type in the diagram' }, [type]);
      th.addEventListener('click', () => { ui.diagramType = type; render(); });
      headRow.append(th);
    });
    table.append(h('thead', {}, [headRow]));
    const body = h('tbody');
    const labels = ['refcount', 'mapcount', 'pgmap ref', 'mapping', 'pinned', 'phase'];
    labels.forEach((label, i) => {
      body.append(h('tr', {}, [h('th', {}, [label]), ...row.cells.map((c) => {
        if (!c) return h('td', { class: 'idle' }, ['—']);
        const [, before, after] = stateRows(c)[i];
        if (!c.ran) return h('td', { class: 'idle', title: 'this type does not run this statement' }, [after]);
        return before === after ? h('td', {}, [after]) : h('td', { class: 'changed' }, [`${before} → ${after}`]);
      })]));
    });
    const notes = row.cells.map((c) => (c && c.note) || '');
    if (notes.some(Boolean)) body.append(h('tr', {}, [h('th', {}, ['note']), ...notes.map((n) => h('td', { class: 'note' }, [n]))]));
    table.append(body);

    const typeIndex = t.types.indexOf(/** @type {any} */ (ui.diagramType));
    const figure = h('figure', {}, [h('figcaption', {}, [`${ui.diagramType} page life`])]);
    figure.append(diagram(row.cells[typeIndex] || null));

    const list = h('ol', { id: 'steps' }, t.rows.map((r, i) => {
      const only = r.cells.every((c) => c && c.ran) ? [] : [h('span', { class: 'only' }, [` only ${t.types.filter((_, j) => r.cells[j]?.ran).join(', ')}`])];
      const li = h('li', { class: i === ui.step ? 'current' : '', 'data-step': String(i), 'data-line': r.line === undefined ? '' : String(r.line) }, [
        h('span', { class: 'stmt' }, [r.statement]), ...only,
      ]);
      li.addEventListener('click', () => { ui.step = i; render(); });
      return li;
    }));

    const extra = t.truncated.length ? [h('p', { class: 'truncated' }, [`Stopped early: ${t.truncated.join('; ')}`])] : [];
    app.replaceChildren(head, current, table, figure, ...extra, h('h2', {}, ['Steps']), list);
    list.querySelector('li.current')?.scrollIntoView({ block: 'nearest' });
    post({ kind: 'step', lines: row.line === undefined ? [] : [row.line] });
  }

  /** @param {number} delta */
  function move(delta) {
    const t = timeline();
    if (!t) return;
    const step = Math.max(0, Math.min(ui.step + delta, t.rows.length - 1));
    if (step !== ui.step) {
      ui.step = step;
      render();
    }
  }

  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight' || e.key === 'j') { move(1); e.preventDefault(); }
    if (e.key === 'ArrowLeft' || e.key === 'k') { move(-1); e.preventDefault(); }
  });

  window.addEventListener('message', (/** @type {MessageEvent<ToWebview>} */ e) => {
    const m = e.data;
    if (m.kind === 'error') {
      view = undefined;
      app.replaceChildren(h('p', { id: 'status', class: 'error' }, [m.message]));
      return;
    }
    if (view && m.view.hunkNumber !== view.hunkNumber) ui.step = 0;
    if (!view && ui.hunk !== m.view.hunkNumber) ui.step = 0;
    ui.hunk = m.view.hunkNumber;
    view = m.view;
    render();
  });

  post({ kind: 'ready' });
})();
