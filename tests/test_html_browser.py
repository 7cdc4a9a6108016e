"""The HTML counterexample page in a real browser (headless Chromium; skipped without it).

A copy of the page gets a script that drives it (keys, the URL fragment, clicks) and
writes what it measured into the page; ``chromium --dump-dom`` returns the page after it
ran.  It checks what a reader sees: the title and verdict stay in view whatever is
selected, the step list shows whole statements, threads have their own colours, implicit
returns highlight no source line, folded and left-out steps are reachable from a link.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mmnotif_check.cli import cli

REPO = Path(__file__).resolve().parent.parent
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="headless Chromium is not installed")

PROBE = r"""
<script>
(function () {
  const out = {};
  const key = (k) => document.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));
  const header = () => document.querySelector('header').getBoundingClientRect();
  const pos = () => document.getElementById('pos').textContent;
  const visible = (el) => {
    const r = el.getBoundingClientRect(), p = el.closest('ol').getBoundingClientRect();
    return r.top >= p.top - 1 && r.bottom <= p.bottom + 1;
  };
  function go(step) {
    history.replaceState(null, '', '#' + step);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
  out.start = pos();
  key('End');
  out.end = {pos: pos(), headerTop: header().top, headerBottom: header().bottom, scrollY: window.scrollY,
             bodyScroll: document.scrollingElement.scrollTop,
             selectedVisible: visible(document.querySelector('ol.steps:not([hidden]) li.sel')),
             banner: !!document.querySelector('#detail .banner')};
  key('Home');
  go(%(middle)d);
  out.hash = {pos: pos(), headerTop: header().top, scrollY: window.scrollY};
  out.detail = document.getElementById('detail').textContent;
  go(%(folded)d);
  out.folded = pos();
  go(%(hidden)d);
  out.hidden = {pos: pos(), full: document.getElementById('view-full').getAttribute('aria-pressed'),
                fullShown: !document.getElementById('steps-full').hidden};
  %(implicit_probe)s
  const items = Array.from(document.querySelectorAll('#steps-protocol li .stmt'));
  out.cut = items.filter((s) => s.scrollWidth > s.clientWidth + 1).length;
  out.statements = items.map((s) => s.firstChild ? s.firstChild.textContent : s.textContent);
  const colors = {};
  document.querySelectorAll('#steps-protocol li[data-k]').forEach((li) => {
    const t = li.querySelector('.t').textContent;
    colors[t] = getComputedStyle(li).borderLeftColor;
  });
  out.colors = colors;
  out.switches = document.querySelectorAll('#steps-protocol li.switch').length;
  const pre = document.createElement('pre');
  pre.id = 'probe-results';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""

IMPLICIT = r"""
  document.getElementById('view-full').click();
  go(%d);
  out.implicit = {pos: pos(), cur: document.querySelectorAll('#detail pre.src div.cur').length,
                  note: document.getElementById('detail').textContent.includes('implicit return')};
  document.getElementById('view-protocol').click();
"""


def page(target: str, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        result = CliRunner().invoke(cli, ["verify", target, "--format", "html"])
        report = json.loads(CliRunner().invoke(cli, ["verify", target, "--json"]).stdout)
    assert result.exit_code == 1, result.output
    return result.stdout, report


def run_probe(text: str, tmp_path: Path, middle: int, folded: int, hidden: int, implicit: int | None) -> dict[str, Any]:
    probe = PROBE % {"middle": middle, "folded": folded, "hidden": hidden,
                     "implicit_probe": IMPLICIT % implicit if implicit is not None else ""}
    path = tmp_path / "probe.html"
    path.write_text(text.replace("</body>", probe + "</body>"), encoding="utf-8")
    assert BROWSER is not None
    out = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,800",
         "--virtual-time-budget=3000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    m = re.search(r'<pre id="probe-results">(.*?)</pre>', out.stdout, re.S)
    assert m is not None, out.stderr[-2000:]
    return json.loads(html.unescape(m.group(1)))  # type: ignore[no-any-return]


def test_force_path_page_in_chromium(tmp_path: Path) -> None:
    text, report = page("specs/xe_deferred_tlb_force_alone_fault.toml", tmp_path)
    by = {s["step"]: s for s in report["trace"]}
    folded = next(k for k, s in by.items() if s["view"] == "collapsed")
    hidden = next(k for k, s in by.items() if s["view"] == "hidden" and s["kind"] != "return")
    implicit = next(k for k, s in by.items() if s["statement"].startswith("return  # end of"))
    r = run_probe(text, tmp_path, 35, folded, hidden, implicit)
    assert r["start"] == "initial state"
    # End selects the last step; the title and verdict stay where they are
    assert r["end"]["pos"] == "step 67 / 67" and r["end"]["banner"]
    assert r["end"]["headerTop"] == 0 and r["end"]["headerBottom"] > 0
    assert r["end"]["scrollY"] == 0 and r["end"]["bodyScroll"] == 0 and r["end"]["selectedVisible"]
    # a link to a step (#35) opens it without scrolling the page
    assert r["hash"] == {"pos": "step 35 / 67", "headerTop": 0, "scrollY": 0}
    assert "read by invariant tlb_submitted_implies_inuse" in r["detail"]
    # a step folded into a library call opens that call's line; a left-out one the full view
    owner = by[folded]["collapsed_into"]
    first = min(k for k, s in by.items() if s.get("collapsed_into") == owner or k == owner)
    assert r["folded"] == f"step {first}-{owner} / 67"
    assert r["hidden"] == {"pos": f"step {hidden} / 67", "full": "true", "fullShown": True}
    # an implicit return highlights no source line
    assert r["implicit"] == {"pos": f"step {implicit} / 67", "cur": 0, "note": True}
    # whole statements in the list, never cut
    assert r["cut"] == 0
    assert "if signaled or (u.finish_inuse and not MUTANT_PASS1_IGNORES_INUSE):" in r["statements"]
    assert "xe_vm_invalidate_vma_submit(vm, u, True)" in r["statements"]


def test_threads_have_their_own_colours(tmp_path: Path) -> None:
    text, _ = page("models/racy_lock.py", tmp_path)
    r = run_probe(text, tmp_path, 3, 3, 3, None)
    assert set(r["colors"]) == {"t0", "t1"} and r["colors"]["t0"] != r["colors"]["t1"]
    assert r["switches"] >= 2  # every change of thread is marked in the list
    assert r["end"]["headerTop"] == 0 and r["end"]["scrollY"] == 0
