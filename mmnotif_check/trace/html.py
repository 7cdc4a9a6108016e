"""A counterexample as one self-contained HTML page (inline CSS and JavaScript, no network).

The page lists every step; the selected step shows its thread, ``file:line``, the function,
the statement within a few lines of its source, the fields it changed, and the whole state
after it (globals, objects, threads with locals), changed entries highlighted. Navigate
with the buttons, the arrow keys (Home/End for the ends) or by clicking a step; the URL
fragment (``#5``) selects a step.

:func:`render_html` is pure: the source lines come in as ``sources`` (read them with
:func:`read_sources`, which looks for each file of the trace where the report names it).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mmnotif_check.lang.loader import KERNEL_DIR, KERNEL_PACKAGE
from mmnotif_check.trace.common import (
    basename,
    function_before,
    lock_op,
    states_of,
    violation_location,
    violation_title,
)
from mmnotif_check.trace.text import fmt_value

CONTEXT = 4  # source lines shown above and below a step's line

Sources = Mapping[str, Mapping[int, str]]


def _source_lines_needed(report: dict[str, Any]) -> dict[str, set[int]]:
    need: dict[str, set[int]] = {}
    points = [(s["file"], s["line"]) for s in report.get("trace", [])]
    loc = report.get("location")
    if isinstance(loc, dict) and "file" in loc and "line" in loc:
        points.append((loc["file"], loc["line"]))
    for b in report.get("blocked", []) or []:
        points.append((b["file"], b["line"]))
    for f, line in points:
        need.setdefault(f, set()).update(range(max(1, line - CONTEXT), line + CONTEXT + 1))
    return need


def resolve_source(name: str, bases: Sequence[Path]) -> Path | None:
    """Where file ``name`` of a report is: kernel library files, absolute paths, or below a base."""
    prefix = f"<{KERNEL_PACKAGE}>/"
    if name.startswith(prefix):
        p = KERNEL_DIR / name[len(prefix) :]
        return p if p.is_file() else None
    p = Path(name)
    if p.is_absolute():
        return p if p.is_file() else None
    for base in bases:
        q = base / p
        if q.is_file():
            return q
    parts = p.parts
    if len(parts) >= 3 and parts[-3:-1] == ("mmnotif_check", "kernel"):  # the shipped library, seen from a checkout
        q = KERNEL_DIR / parts[-1]
        return q if q.is_file() else None
    return None


def read_sources(report: dict[str, Any], bases: Sequence[Path]) -> dict[str, dict[int, str]]:
    """The source lines the page shows (each step's line with context), by the report's file names."""
    out: dict[str, dict[int, str]] = {}
    for name, lines in _source_lines_needed(report).items():
        path = resolve_source(name, bases)
        if path is None:
            continue
        try:
            text = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        out[name] = {n: text[n - 1] for n in sorted(lines) if n <= len(text)}
    return out


def _page_data(report: dict[str, Any], sources: Sources) -> dict[str, Any]:
    steps = []
    for i, s in enumerate(report.get("trace", [])):
        op = lock_op(report, i)
        steps.append({
            "step": s["step"],
            "thread": s["thread"],
            "file": s["file"],
            "line": s["line"],
            "statement": s["statement"],
            "function": function_before(report, i),
            "failed": bool(s.get("failed")),
            "choices": s.get("choices", []),
            "lock": f"{op.effect}: {op.op} {op.lock}".strip() if op is not None else None,
            "changes": [{"name": c["name"], "old": fmt_value(c["old"]), "new": fmt_value(c["new"])} for c in s["changes"]],
        })
    states = []
    for st in states_of(report):
        states.append({
            "globals": [[k, fmt_value(v)] for k, v in st["globals"].items()],
            "objects": [[obj, [[f, fmt_value(v)] for f, v in fields.items()]] for obj, fields in st["objects"].items()],
            "threads": [{
                "name": th["name"],
                "daemon": th["daemon"],
                "done": th["done"],
                "stack": [{"function": fr["function"], "at": fr["at"],
                           "locals": [[k, fmt_value(v)] for k, v in fr["locals"].items()]} for fr in th["stack"]],
            } for th in st["threads"]],
        })
    stats = report.get("stats") or {}
    return {
        "target": report.get("target", ""),
        "title": violation_title(report),
        "message": report.get("message") or "",
        "location": violation_location(report),
        "path": report.get("path") or "",
        "blocked": [f"{b['thread']}{' (daemon)' if b.get('daemon') else ''} at {b['file']}:{b['line']}: {b['statement']}"
                    for b in report.get("blocked", []) or []],
        "witness": {k: str(v) for k, v in (report.get("witness") or {}).items()},
        "searched": {k: stats[k] for k in ("states", "transitions", "max_depth") if k in stats},
        "steps": steps,
        "states": states,
        "sources": {f: {str(n): t for n, t in lines.items()} for f, lines in sorted(sources.items())},
    }


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


CSS = """
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --hl:#fff3b0; --bad:#ffd7d5; --badfg:#82071e;
        --lock:#ffe9b3; --sel:#ddf4ff; --code:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); }
header { padding: 12px 18px; border-bottom: 1px solid var(--line); background: #fafbfc; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 6px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.verdict { color: var(--badfg); }
.muted { color: var(--muted); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
nav { display: flex; gap: 6px; align-items: center; padding: 8px 18px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: white; z-index: 1; }
nav button { font-size: 13px; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #f6f8fa; cursor: pointer; }
nav button:disabled { opacity: .45; cursor: default; }
#pos { min-width: 110px; text-align: center; font-weight: 600; }
main { display: grid; grid-template-columns: minmax(260px, 34%) 1fr; min-height: calc(100vh - 120px); }
#steps { margin: 0; padding: 6px 0; list-style: none; border-right: 1px solid var(--line); overflow-y: auto; max-height: calc(100vh - 110px); position: sticky; top: 44px; }
#steps li { padding: 3px 12px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border-left: 3px solid transparent; }
#steps li:hover { background: #f6f8fa; }
#steps li.sel { background: var(--sel); border-left-color: #0969da; }
#steps li.lock { border-left-color: #d4a72c; }
#steps li.sel.lock { border-left-color: #0969da; }
#steps li.failed, #steps li.final { color: var(--badfg); }
#steps .n { display: inline-block; width: 2.6em; text-align: right; margin-right: .6em; color: var(--muted); }
#steps .t { font-weight: 600; margin-right: .5em; }
#steps .f { color: var(--muted); margin: 0 .3em; }
#detail { padding: 12px 18px 40px; min-width: 0; }
.where { margin-bottom: 8px; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; margin-left: 6px; }
.badge.lock { background: var(--lock); }
.badge.fail { background: var(--bad); color: var(--badfg); }
pre.src { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 6px 0; margin: 0; overflow-x: auto; }
pre.src div { padding: 0 10px; white-space: pre; }
pre.src div.cur { background: var(--hl); font-weight: 600; }
pre.src .ln { display: inline-block; width: 3.2em; color: var(--muted); text-align: right; margin-right: 1em; user-select: none; }
table { border-collapse: collapse; margin: 2px 0 8px; }
th, td { border: 1px solid var(--line); padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.v { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
tr.changed td, td.changed { background: var(--hl); }
tr.me td { background: var(--sel); }
.objects { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
.objects table caption { text-align: left; font-weight: 600; padding: 2px 0; }
.banner { padding: 8px 12px; border-radius: 6px; background: var(--bad); color: var(--badfg); margin: 10px 0; font-weight: 600; }
.old { color: var(--muted); }
"""

JS = r"""
(function () {
  const D = JSON.parse(document.getElementById('trace-data').textContent);
  const N = D.steps.length;
  let cur = 0;
  const $ = (id) => document.getElementById(id);
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function stateAt(k) {  // the state after step k (0: initial); a failed step has none
    if (k < D.states.length) return [D.states[k], false];
    return [D.states[D.states.length - 1], true];
  }
  function table(head, rows, changed) {
    const t = el('table');
    const tr = el('tr');
    head.forEach((h) => tr.appendChild(el('th', null, h)));
    t.appendChild(tr);
    rows.forEach(([k, v]) => {
      const r = el('tr', changed.has(k) ? 'changed' : null);
      r.appendChild(el('td', null, k));
      r.appendChild(el('td', 'v', v));
      t.appendChild(r);
    });
    return t;
  }
  function source(file, line) {
    const lines = (D.sources[file] || {});
    const pre = el('pre', 'src');
    let any = false;
    for (let n = line - 4; n <= line + 4; n++) {
      if (!(String(n) in lines)) continue;
      any = true;
      const d = el('div', n === line ? 'cur' : null);
      d.appendChild(el('span', 'ln', String(n)));
      d.appendChild(document.createTextNode(lines[String(n)]));
      pre.appendChild(d);
    }
    if (!any) pre.appendChild(el('div', null, '(source not available: ' + file + ')'));
    return pre;
  }
  function violation() {
    const b = el('div', 'banner');
    b.appendChild(el('div', null, 'VIOLATED: ' + D.title));
    if (D.message) b.appendChild(el('div', null, D.message));
    if (D.location) b.appendChild(el('div', 'mono', D.location));
    D.blocked.forEach((x) => b.appendChild(el('div', 'mono', 'blocked: ' + x)));
    Object.keys(D.witness).forEach((k) => b.appendChild(el('div', 'mono', 'witness: ' + k + ' = ' + D.witness[k])));
    return b;
  }
  function show(k) {
    cur = Math.max(0, Math.min(N, k));
    document.querySelectorAll('#steps li').forEach((li) => li.classList.toggle('sel', Number(li.dataset.k) === cur));
    const sel = document.querySelector('#steps li.sel');
    if (sel) sel.scrollIntoView({block: 'nearest'});
    $('pos').textContent = cur === 0 ? 'initial state' : 'step ' + cur + ' / ' + N;
    $('first').disabled = $('prev').disabled = cur === 0;
    $('next').disabled = $('last').disabled = cur === N;
    if (location.hash !== '#' + cur) history.replaceState(null, '', '#' + cur);
    const det = $('detail');
    det.replaceChildren();
    const changed = new Set();
    let me = null;
    if (cur === 0) {
      det.appendChild(el('h2', null, 'Initial state'));
      det.appendChild(el('div', 'muted', 'after init(); ' + N + ' steps follow'));
    } else {
      const s = D.steps[cur - 1];
      me = s.thread;
      const h = el('h2', null, 'Step ' + s.step + ' of ' + N + ': ' + s.thread);
      if (s.lock) h.appendChild(el('span', 'badge lock', s.lock));
      if (s.failed) h.appendChild(el('span', 'badge fail', 'fails'));
      det.appendChild(h);
      const w = el('div', 'where mono', s.file + ':' + s.line + (s.function ? '  in ' + s.function + '()' : '')
        + (s.choices.length ? '  choices ' + s.choices.join('/') : ''));
      det.appendChild(w);
      det.appendChild(source(s.file, s.line));
      const what = s.failed ? 'The step fails: there is no state after it'
        : (s.changes.length ? 'Changed' : 'Changed: nothing visible (the thread moved on)');
      det.appendChild(el('h3', null, what));
      if (s.changes.length) {
        const t = el('table');
        const tr = el('tr');
        ['name', 'before', 'after'].forEach((x) => tr.appendChild(el('th', null, x)));
        t.appendChild(tr);
        s.changes.forEach((c) => {
          changed.add(c.name);
          const r = el('tr', 'changed');
          r.appendChild(el('td', null, c.name));
          r.appendChild(el('td', 'v old', c.old));
          r.appendChild(el('td', 'v', c.new));
          t.appendChild(r);
        });
        det.appendChild(t);
      }
    }
    const [st, failed] = stateAt(cur);
    if (cur === N) det.appendChild(violation());
    if (!st) return;
    det.appendChild(el('h3', null, failed ? 'State before the failing step' : (cur === 0 ? 'State' : 'State after step ' + cur)));
    if (st.globals.length) det.appendChild(table(['global', 'value'], st.globals, changed));
    if (st.objects.length) {
      const box = el('div', 'objects');
      const touched = ([name, fields]) => changed.has(name) || fields.some(([f]) => changed.has(name + '.' + f));
      const objects = st.objects.filter(touched).concat(st.objects.filter((o) => !touched(o)));
      objects.forEach(([name, fields]) => {
        const rows = fields.map(([f, v]) => [f, v]);
        const ch = new Set(fields.filter(([f]) => changed.has(name + '.' + f) || changed.has(name)).map(([f]) => f));
        const t = table(['field', 'value'], rows, ch);
        const cap = el('caption', null, name);
        t.prepend(cap);
        box.appendChild(t);
      });
      det.appendChild(box);
    }
    const tt = el('table');
    const hr = el('tr');
    ['thread', 'at', 'function', 'locals'].forEach((x) => hr.appendChild(el('th', null, x)));
    tt.appendChild(hr);
    st.threads.forEach((th) => {
      const r = el('tr', th.name === me ? 'me' : null);
      const name = th.name + (th.daemon ? ' (daemon)' : '');
      r.appendChild(el('td', null, name));
      if (th.done) {
        r.appendChild(el('td', 'muted', 'returned'));
        r.appendChild(el('td'));
        r.appendChild(el('td'));
      } else {
        const top = th.stack[th.stack.length - 1];
        r.appendChild(el('td', 'v', top.at));
        r.appendChild(el('td', 'v', th.stack.map((f) => f.function).join(' > ')));
        const td = el('td', 'v', top.locals.map(([k, v]) => k + '=' + v).join('  '));
        if (th.name === me && top.locals.some(([k]) => changed.has(k))) td.classList.add('changed');
        r.appendChild(td);
      }
      tt.appendChild(r);
    });
    det.appendChild(el('h3', null, 'Threads'));
    det.appendChild(tt);
  }
  document.querySelectorAll('#steps li').forEach((li) => li.addEventListener('click', () => show(Number(li.dataset.k))));
  $('first').onclick = () => show(0);
  $('prev').onclick = () => show(cur - 1);
  $('next').onclick = () => show(cur + 1);
  $('last').onclick = () => show(N);
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'j') { show(cur + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp' || e.key === 'k') { show(cur - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); e.preventDefault(); }
    else if (e.key === 'End') { show(N); e.preventDefault(); }
  });
  const h = parseInt(location.hash.slice(1), 10);
  show(Number.isNaN(h) ? 0 : h);
})();
"""


def render_html(report: dict[str, Any], sources: Sources) -> str:
    """The HTML page for the counterexample in ``report``; ``sources``: file -> {line: text}."""
    data = _page_data(report, sources)
    e = html.escape
    items = ['<li data-k="0"><span class="n">0</span><span class="t">init</span>initial state</li>']
    n = len(data["steps"])
    for s in data["steps"]:
        cls = [c for c, on in (("lock", s["lock"]), ("failed", s["failed"]), ("final", s["step"] == n)) if on]
        attr = f' class="{" ".join(cls)}"' if cls else ""
        func = f'<span class="f">{e(s["function"])}()</span>' if s["function"] else ""
        items.append(
            f'<li data-k="{s["step"]}"{attr} title="{e(s["file"])}:{s["line"]}">'
            f'<span class="n">{s["step"]}</span><span class="t">{e(s["thread"])}</span>'
            f'<span class="mono">{e(basename(s["file"]))}:{s["line"]}</span>{func} {e(s["statement"])}</li>'
        )
    consts = report.get("constants") or {}
    const_text = ", ".join(f"{k}={fmt_value(v)}" for k, v in consts.items()) or "none"
    searched = data["searched"]
    searched_text = (
        f"searched {searched['states']:,} states, {searched['transitions']:,} transitions"
        if {"states", "transitions"} <= set(searched) else ""
    )
    where = f" at <span class='mono'>{e(data['location'])}</span>" if data["location"] else ""
    title = f"{data['target']}: VIOLATED ({data['title']})"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mmnotif-check">
<title>{e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{e(data['target'])}: <span class="verdict">VIOLATED ({e(data['title'])})</span></h1>
<div>{e(data['message'])}{where}</div>
<div class="muted">constants: <span class="mono">{e(const_text)}</span></div>
<div class="muted">{n} steps; replay token <span class="mono">{e(data['path'])}</span>{'; ' + e(searched_text) if searched_text else ''}</div>
</header>
<nav>
<button id="first" title="first (Home)">&#x00AB; first</button>
<button id="prev" title="previous (&#x2190;)">&#x25C0; prev</button>
<span id="pos"></span>
<button id="next" title="next (&#x2192;)">next &#x25B6;</button>
<button id="last" title="last (End)">last &#x00BB;</button>
<span class="muted">&#x2190; &#x2192; keys step, Home/End jump</span>
</nav>
<main>
<ol id="steps">
{chr(10).join(items)}
</ol>
<section id="detail"><noscript>This page needs JavaScript to show each step; the list on the left is the whole trace.</noscript></section>
</main>
<script type="application/json" id="trace-data">{_script_json(data)}</script>
<script>{JS}</script>
</body>
</html>
"""
