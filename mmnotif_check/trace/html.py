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
    line_lock,
    states_of,
    thread_names,
    violation_location,
    violation_title,
)
from mmnotif_check.trace.condense import step_range, view_lines
from mmnotif_check.trace.text import DETAILS, branch_note
from mmnotif_check.trace.values import ValueText, fmt_value

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


PALETTE = ("#0969da", "#8250df", "#1a7f37", "#bc4c00", "#cf222e", "#116329", "#953800", "#6639ba",
           "#0550ae", "#9a6700")


def _line_data(report: dict[str, Any], line: dict[str, Any], values: ValueText) -> dict[str, Any]:
    op = line_lock(report, line)
    implicit = str(line["statement"]).startswith("return  # end of ")
    return {
        "steps": line["steps"],
        "range": step_range(line["steps"]),
        "step": line["step"],
        "thread": line["thread"],
        "file": line["file"],
        "line": line["line"],
        "statement": line["statement"],
        "note": branch_note(line).strip(),
        "function": line.get("function"),
        "depth": line.get("depth") or 1,
        "failed": line["failed"],
        "call": line["call"],
        "implicit": implicit,
        "lock": f"{op.effect}: {op.op} {op.lock}".strip() if op is not None else None,
        "changes": [{"name": c["name"], "old": values.cell(c["name"], c["old"]), "new": values.cell(c["name"], c["new"]),
                     "marked": c["name"] in line["marked"]} for c in line["changes"]],
    }


def _page_data(report: dict[str, Any], sources: Sources, detail: str = "protocol") -> dict[str, Any]:
    values = ValueText(report)
    views = {d: [_line_data(report, line, values) for line in view_lines(report, d)] for d in DETAILS}
    states = []
    for st in states_of(report):
        states.append({
            "globals": [[k, values.cell(k, v)] for k, v in st["globals"].items()],
            "objects": [[obj, [[f, values.cell(f"{obj}.{f}", v)] for f, v in fields.items()]]
                        for obj, fields in st["objects"].items()],
            "threads": [{
                "name": th["name"],
                "daemon": th["daemon"],
                "done": th["done"],
                "stack": [{"function": fr["function"], "at": fr["at"],
                           "locals": [[k, values.value(v)] for k, v in fr["locals"].items()]} for fr in th["stack"]],
            } for th in st["threads"]],
        })
    stats = report.get("stats") or {}
    names = thread_names(report)
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
        "nsteps": len(report.get("trace", [])),
        "detail": detail if views["protocol"] != views["full"] else "full",
        "views": views,
        "colors": {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)},
        "states": states,
        "sources": {f: {str(n): t for n, t in lines.items()} for f, lines in sorted(sources.items())},
    }


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


CSS = """
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --hl:#fff3b0; --bad:#ffd7d5; --badfg:#82071e;
        --lock:#ffe9b3; --sel:#ddf4ff; --code:#f6f8fa; --mark:#ffd8b5; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg);
       display: flex; flex-direction: column; overflow: hidden; }
header { flex: none; padding: 10px 18px; border-bottom: 1px solid var(--line); background: #fafbfc; max-height: 34vh; overflow-y: auto; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 6px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.verdict { color: var(--badfg); }
.muted { color: var(--muted); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
header details summary { cursor: pointer; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.chip { display: inline-block; padding: 0 7px; border-radius: 9px; color: white; background: var(--c, #656d76); font-size: 12px; font-weight: 600; }
nav { flex: none; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 18px; border-bottom: 1px solid var(--line); background: white; }
nav button { font-size: 13px; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #f6f8fa; cursor: pointer; }
nav button:disabled { opacity: .45; cursor: default; }
nav button[aria-pressed="true"] { background: var(--sel); border-color: #0969da; }
#pos { min-width: 130px; text-align: center; font-weight: 600; }
main { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(320px, 42%) 1fr; }
ol.steps { margin: 0; padding: 4px 0; list-style: none; border-right: 1px solid var(--line); overflow-y: auto; min-height: 0; }
ol.steps[hidden] { display: none; }
ol.steps li { padding: 3px 10px 3px 8px; cursor: pointer; border-left: 5px solid var(--c, transparent); }
ol.steps li.switch { border-top: 1px dashed var(--line); margin-top: 2px; padding-top: 5px; }
ol.steps li:hover { background: #f6f8fa; }
ol.steps li.sel { background: var(--sel); }
ol.steps li.lock .stmt { background: var(--lock); border-radius: 3px; }
ol.steps li.failed, ol.steps li.final { color: var(--badfg); }
ol.steps .head { display: flex; gap: .6em; align-items: baseline; font-size: 12px; color: var(--muted); }
ol.steps .n { min-width: 3.4em; text-align: right; font-variant-numeric: tabular-nums; }
ol.steps .t { font-weight: 600; color: var(--c, var(--fg)); }
ol.steps .stmt { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px;
                 white-space: pre-wrap; overflow-wrap: anywhere; margin-left: 4em; }
ol.steps .mark { color: #bc4c00; font-weight: 700; }
#detail { padding: 12px 18px 40px; min-width: 0; overflow-y: auto; min-height: 0; }
.where { margin-bottom: 8px; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; margin-left: 6px; font-weight: normal; }
.badge.lock { background: var(--lock); }
.badge.fail { background: var(--bad); color: var(--badfg); }
.badge.mark { background: var(--mark); }
pre.src { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 6px 0; margin: 0; overflow-x: auto; }
pre.src div { padding: 0 10px; white-space: pre; }
pre.src div.cur { background: var(--hl); font-weight: 600; }
pre.src .ln { display: inline-block; width: 3.2em; color: var(--muted); text-align: right; margin-right: 1em; user-select: none; }
.note { margin: 6px 0; color: var(--muted); }
table { border-collapse: collapse; margin: 2px 0 8px; }
th, td { border: 1px solid var(--line); padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.v { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
tr.changed td, td.changed { background: var(--hl); }
tr.marked td { background: var(--mark); }
tr.me td { background: var(--sel); }
.objects { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
.objects table caption { text-align: left; font-weight: 600; padding: 2px 0; }
.banner { padding: 8px 12px; border-radius: 6px; background: var(--bad); color: var(--badfg); margin: 10px 0; font-weight: 600; }
.old { color: var(--muted); }
"""

JS = r"""
(function () {
  const D = JSON.parse(document.getElementById('trace-data').textContent);
  const N = D.nsteps;
  let view = D.detail;
  let cur = 0;  // index into the lines of the view; 0 is the initial state
  const $ = (id) => document.getElementById(id);
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  const lines = () => D.views[view];
  function stateAfter(step) {  // the state after literal step `step` (0: initial); a failed step has none
    if (step < D.states.length) return [D.states[step], false];
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
  function source(file, line, implicit) {
    const lines = (D.sources[file] || {});
    const pre = el('pre', 'src');
    let any = false;
    for (let n = line - 4; n <= line + 4; n++) {
      if (!(String(n) in lines)) continue;
      any = true;
      const d = el('div', n === line && !implicit ? 'cur' : null);
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
  function setView(v, target) {
    const step = target !== undefined ? target : (cur === 0 ? 0 : lines()[cur - 1].step);
    view = v;
    $('steps-protocol').hidden = v !== 'protocol';
    $('steps-full').hidden = v !== 'full';
    $('view-protocol').setAttribute('aria-pressed', String(v === 'protocol'));
    $('view-full').setAttribute('aria-pressed', String(v === 'full'));
    showStep(step);
  }
  function showStep(step) {  // select the line of literal step `step` (switching to every step if it is left out)
    if (step <= 0) { show(0); return; }
    let k = lines().findIndex((l) => l.steps.includes(step));
    if (k < 0 && view !== 'full') { setView('full', step); return; }
    if (k < 0) k = lines().findIndex((l) => l.step >= step);
    show(k < 0 ? lines().length : k + 1);
  }
  function show(k) {
    const L = lines();
    cur = Math.max(0, Math.min(L.length, k));
    const list = $('steps-' + view);
    list.querySelectorAll('li').forEach((li) => li.classList.toggle('sel', Number(li.dataset.i) === cur));
    const sel = list.querySelector('li.sel');
    if (sel) sel.scrollIntoView({block: 'nearest'});
    const line = cur === 0 ? null : L[cur - 1];
    $('pos').textContent = line === null ? 'initial state' : 'step ' + line.range + ' / ' + N;
    $('first').disabled = $('prev').disabled = cur === 0;
    $('next').disabled = $('last').disabled = cur === L.length;
    const hash = '#' + (line === null ? 0 : line.step);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    const det = $('detail');
    det.replaceChildren();
    const changed = new Set();
    let me = null;
    if (line === null) {
      det.appendChild(el('h2', null, 'Initial state'));
      det.appendChild(el('div', 'muted', 'after init(); ' + N + ' steps follow'
        + (L.length < N ? ', shown as ' + L.length + ' lines' : '')));
    } else {
      me = line.thread;
      const h = el('h2', null, (line.steps.length > 1 ? 'Steps ' : 'Step ') + line.range + ' of ' + N + ': ');
      const chip = el('span', 'chip', line.thread);
      chip.style.setProperty('--c', D.colors[line.thread] || '#656d76');
      h.appendChild(chip);
      if (line.lock) h.appendChild(el('span', 'badge lock', line.lock));
      if (line.failed) h.appendChild(el('span', 'badge fail', 'fails'));
      if (line.changes.some((c) => c.marked)) h.appendChild(el('span', 'badge mark', 'changes what ' + D.title + ' reads'));
      det.appendChild(h);
      det.appendChild(el('div', 'where mono', line.file + ':' + line.line + (line.function ? '  in ' + line.function + '()' : '')));
      det.appendChild(source(line.file, line.line, line.implicit));
      if (line.implicit) det.appendChild(el('div', 'note', 'the implicit return at the end of ' + (line.function || 'the function') + '()'));
      if (line.note) det.appendChild(el('div', 'note mono', line.statement + line.note.replace('#', '  #')));
      if (line.call) det.appendChild(el('div', 'note', 'one line for the call into the kernel library: its ' + line.steps.length
        + ' literal steps (' + line.range + ') are folded into it; "every step" shows them'));
      const what = line.failed ? 'The step fails: there is no state after it'
        : (line.changes.length ? 'Changed' : 'Changed: nothing visible (the thread moved on)');
      det.appendChild(el('h3', null, what));
      if (line.changes.length) {
        const t = el('table');
        const tr = el('tr');
        ['name', 'before', 'after'].forEach((x) => tr.appendChild(el('th', null, x)));
        t.appendChild(tr);
        line.changes.forEach((c) => {
          changed.add(c.name);
          const r = el('tr', c.marked ? 'changed marked' : 'changed');
          const name = el('td', null, c.name);
          if (c.marked) name.appendChild(el('span', 'badge mark', 'read by ' + D.title));
          r.appendChild(name);
          r.appendChild(el('td', 'v old', c.old));
          r.appendChild(el('td', 'v', c.new));
          t.appendChild(r);
        });
        det.appendChild(t);
      }
    }
    const last = cur === L.length;
    const [st, failed] = stateAfter(last ? N : (line === null ? 0 : line.step));
    if (last) det.appendChild(violation());
    if (!st) return;
    det.appendChild(el('h3', null, failed ? 'State before the failing step' : (line === null ? 'State' : 'State after step ' + (last ? N : line.step))));
    if (st.globals.length) det.appendChild(table(['global', 'value'], st.globals, changed));
    if (st.objects.length) {
      const box = el('div', 'objects');
      const touched = ([name, fields]) => changed.has(name) || fields.some(([f]) => changed.has(name + '.' + f));
      const objects = st.objects.filter(touched).concat(st.objects.filter((o) => !touched(o)));
      objects.forEach(([name, fields]) => {
        const ch = new Set(fields.filter(([f]) => changed.has(name + '.' + f) || changed.has(name)).map(([f]) => f));
        const t = table(['field', 'value'], fields, ch);
        t.prepend(el('caption', null, name));
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
      const c = el('td');
      const chip = el('span', 'chip', th.name + (th.daemon ? ' (daemon)' : ''));
      chip.style.setProperty('--c', D.colors[th.name] || '#656d76');
      c.appendChild(chip);
      r.appendChild(c);
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
  document.querySelectorAll('ol.steps li').forEach((li) => li.addEventListener('click', () => show(Number(li.dataset.i))));
  $('first').onclick = () => show(0);
  $('prev').onclick = () => show(cur - 1);
  $('next').onclick = () => show(cur + 1);
  $('last').onclick = () => show(lines().length);
  $('view-protocol').onclick = () => setView('protocol');
  $('view-full').onclick = () => setView('full');
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'j') { show(cur + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp' || e.key === 'k') { show(cur - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); e.preventDefault(); }
    else if (e.key === 'End') { show(lines().length); e.preventDefault(); }
    else if (e.key === 'f') { setView(view === 'full' ? 'protocol' : 'full'); e.preventDefault(); }
  });
  window.addEventListener('hashchange', () => showStep(parseInt(location.hash.slice(1), 10) || 0));
  const h = parseInt(location.hash.slice(1), 10);
  $('steps-' + view).hidden = false;
  $('steps-' + (view === 'full' ? 'protocol' : 'full')).hidden = true;
  $('view-protocol').setAttribute('aria-pressed', String(view === 'protocol'));
  $('view-full').setAttribute('aria-pressed', String(view === 'full'));
  showStep(Number.isNaN(h) ? 0 : h);
})();
"""


def _list_items(data: dict[str, Any], detail: str) -> str:
    e = html.escape
    items = ['<li data-i="0"><div class="head"><span class="n">0</span><span class="t">init</span></div>'
             '<div class="stmt">initial state</div></li>']
    lines = data["views"][detail]
    prev = None
    for i, s in enumerate(lines, start=1):
        cls = [c for c, on in (("lock", s["lock"]), ("failed", s["failed"]), ("final", i == len(lines)),
                               ("switch", prev is not None and s["thread"] != prev)) if on]
        prev = s["thread"]
        attr = f' class="{" ".join(cls)}"' if cls else ""
        func = f'<span class="f">{e(s["function"])}()</span>' if s["function"] else ""
        marked = any(c["marked"] for c in s["changes"])
        mark = '<span class="mark" title="changes what the violated property reads">&#x2605;</span>' if marked else ""
        pad = f' style="padding-left:{(int(s["depth"]) - 1) * 1.2:.1f}em"' if detail == "protocol" and s["depth"] > 1 else ""
        note = f'<span class="muted">{e("  " + s["note"])}</span>' if s["note"] else ""
        items.append(
            f'<li data-i="{i}" data-k="{s["step"]}"{attr} style="--c:{data["colors"].get(s["thread"], "#656d76")}" '
            f'title="{e(s["file"])}:{s["line"]}">'
            f'<div class="head"><span class="n">{e(s["range"])}</span><span class="t">{e(s["thread"])}</span>'
            f'<span class="mono">{e(basename(s["file"]))}:{s["line"]}</span>{func}{mark}</div>'
            f'<div class="stmt"{pad}>{e(s["statement"])}{note}</div></li>'
        )
    return "\n".join(items)


def render_html(report: dict[str, Any], sources: Sources, detail: str = "protocol") -> str:
    """The HTML page for the counterexample in ``report``; ``sources``: file -> {line: text};
    ``detail``: the view the page opens with (``protocol`` or ``full``; a button switches)."""
    data = _page_data(report, sources, detail)
    e = html.escape
    n = data["nsteps"]
    consts = report.get("constants") or {}
    const_text = ", ".join(f"{k}={fmt_value(v)}" for k, v in consts.items()) or "none"
    searched = data["searched"]
    searched_text = (
        f"searched {searched['states']:,} states, {searched['transitions']:,} transitions"
        if {"states", "transitions"} <= set(searched) else ""
    )
    where = f" at <span class='mono'>{e(data['location'])}</span>" if data["location"] else ""
    title = f"{data['target']}: VIOLATED ({data['title']})"
    legend = "".join(f'<span class="chip" style="--c:{c}">{e(t)}</span>' for t, c in data["colors"].items())
    shown = len(data["views"]["protocol"])
    views_note = (f"{n} steps, {shown} lines in the protocol view (each call into the kernel library is one line; "
                  "returns, helpers that change nothing and branches on constants are left out)"
                  if shown < n else f"{n} steps")
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
<div class="muted">{e(views_note)}; replay token <span class="mono">{e(data['path'])}</span>{'; ' + e(searched_text) if searched_text else ''}</div>
<details><summary class="muted">constants</summary><div class="mono">{e(const_text)}</div></details>
<div class="legend">{legend}</div>
</header>
<nav>
<button id="first" title="first (Home)">&#x00AB; first</button>
<button id="prev" title="previous (&#x2190;)">&#x25C0; prev</button>
<span id="pos"></span>
<button id="next" title="next (&#x2192;)">next &#x25B6;</button>
<button id="last" title="last (End)">last &#x00BB;</button>
<span class="muted">view:</span>
<button id="view-protocol" title="the protocol's steps (f toggles)">protocol steps</button>
<button id="view-full" title="every literal step (f toggles)">every step</button>
<span class="muted">&#x2190; &#x2192; step, Home/End jump, f switches the view</span>
</nav>
<main>
<ol class="steps" id="steps-protocol"{'' if data['detail'] == 'protocol' else ' hidden'}>
{_list_items(data, 'protocol')}
</ol>
<ol class="steps" id="steps-full"{'' if data['detail'] == 'full' else ' hidden'}>
{_list_items(data, 'full')}
</ol>
<section id="detail"><noscript>This page needs JavaScript to show each step; the list on the left is the whole trace.</noscript></section>
</main>
<script type="application/json" id="trace-data">{_script_json(data)}</script>
<script>{JS}</script>
</body>
</html>
"""
