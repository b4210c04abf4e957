"""advisor report: golden Markdown, parsed and escaped HTML, a real browser's screenshot, JSON,
atomic writes, --verify.

Golden files: tests/data/golden/*.md, rendered from the mini knowledge at fixed dates and
answers. After an intended change in the report, rewrite them with
    UPDATE_GOLDEN=1 python -m pytest tests/test_report.py
and review the diff.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from advisor import report

GOLDEN = Path(__file__).parent / "data" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# name -> (as of, --set answers); all against tests/data/kb-mini, so the real knowledge cannot move them
CASES = {
    "industry-server-2026": ("2026-10", ["sector=industry"]),
    "browser-javascript-2019": ("2019-06", ["target=browser", "language=javascript"]),
    "server-cpp-2018": ("2018-07", ["target=server", "language=cpp"]),
    "unmet-browser-2026": ("2026-10", ["target=browser"]),
}
EVIL_TITLE = '<script>alert("t")</script> Q&A <b>bold</b> # [x](javascript:alert(1)) | pipe'
EVIL_CHAT = "I deploy to <img src=x onerror=alert(1)> & want *speed* </blockquote><script>alert(2)</script>"


def _args(as_of: str, sets: list[str]) -> list[str]:
    out = ["--as-of", as_of]
    for s in sets:
        out += ["--set", s]
    return out


def _rec(as_of: str, sets: list[str]):
    from advisor.context import Context

    return Context(as_of).recommend_args(argparse.Namespace(answers=None, sets=sets))


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)"


# ---------------------------------------------------------------- Markdown: golden files


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_matches_golden(name, cli, mini_kb, tmp_path):
    as_of, sets = CASES[name]
    out = tmp_path / f"{name}.md"
    r = cli("report", *_args(as_of, sets), "-o", out)
    assert r.code == (1 if name.startswith("unmet") else 0), r.err
    assert r.err == ""
    assert f"Report written to {out} (markdown)." in r.out
    _check_golden(f"{name}.md", out.read_text(encoding="utf-8"))


def test_markdown_with_title_and_chat_matches_golden(mini_kb, tmp_path):
    rec = _rec("2026-10", ["sector=industry"])
    path = report.write_report(rec, tmp_path / "chat.markdown", title=EVIL_TITLE,
                               extra={"chat": [{"role": "you", "text": EVIL_CHAT}, {"role": "advisor", "text": "Noted."},
                                               {"role": "you", "text": "two lines:\n# not a heading"}],
                                      "mode": "chat"})
    text = path.read_text(encoding="utf-8")
    _check_golden("chat-title.md", text)
    # user text is inert Markdown: no raw HTML tags, no link syntax, no heading or table breaks
    assert re.search(r"(?<!\\)[<>]", text.replace("> ", "").replace("\n>\n", "\n")) is None
    assert re.search(r"(?<!\\)\]\(javascript:", text) is None and "\\[x\\](javascript:" in text
    assert text.splitlines()[0].startswith("# \\<script\\>")
    assert "> two lines:\n> \\# not a heading\n" in text and "Noted." not in text


def test_markdown_content(mini_kb):
    text = report.render(_rec("2019-06", ["target=browser", "language=javascript"]), "markdown")
    # the pair and the bridge with its concrete step in the deployment language
    assert "**Prototype in Alpha, deploy with RuntimeWeb**" in text
    assert "run it through RuntimeWeb's `javascript` API" in text
    # answers, the weights they produced and who moved them
    assert "| A web browser (`browser`) | given |" in text
    assert re.search(r"\| Fit for the target \| [\d.]+ \| 3 \| (—|target=browser \(\+[\d.]+\)) \|", text)
    # runners-up with their biggest gap, the Showdown's argument and whether it applies
    assert re.search(r"#2 \*\*Beta\*\* \([\d.]+/100\): Sym/Dyn graph building: 50/100 vs 100/100 for Alpha", text)
    assert "**Does it apply here? No.** RuntimeWeb does not import ONNX, so the pick goes native (alpha2web)" in text
    # firmness in words with the smallest flip named by names, not ids
    assert "**Firm.**" in text
    # lifecycle warnings, the knowledge date and the sources
    assert "- ⚠ The bridge alpha2web -\\> RuntimeWeb loader is experimental." in text
    assert "knowledge dated 2026-10-01" in text
    assert "[Showdown charts](https://example.org/charts), 2018-06-26" in text


def test_markdown_is_deterministic(mini_kb):
    rec = _rec("2026-10", ["sector=industry"])
    assert report.render(rec, "markdown") == report.render(_rec("2026-10", ["sector=industry"]), "markdown")


# ---------------------------------------------------------------- HTML: parsed, escaped, self-contained


class _Tree(HTMLParser):
    """Collect tags, attributes and the text inside chosen elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "rect", "circle", "line", "polygon", "link", "img", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        for tag in set(self.stack):
            self.text[tag] = self.text.get(tag, "") + data


def _parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree


def test_html_pair_escaping_and_self_contained(mini_kb, tmp_path):
    rec = _rec("2026-10", ["sector=industry"])
    path = report.write_report(rec, tmp_path / "r.HTM", title=EVIL_TITLE, extra={"chat": EVIL_CHAT})
    html = path.read_text(encoding="utf-8")
    tree = _parse(html)
    tags = [t for t, _ in tree.tags]
    # the title and the chat text are shown as text, never as markup
    assert tree.text["h1"].strip() == EVIL_TITLE
    assert tree.text["title"].startswith(EVIL_TITLE)  # then the SVG pictures' own <title>s
    assert EVIL_CHAT in tree.text["blockquote"]
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    # the pair, as a person reads it
    assert "Alpha" in tree.text["main"] and "RuntimeOne" in tree.text["main"]
    assert "Prototype in Alpha, deploy with RuntimeOne" in tree.text["p"]
    assert tree.text["code"].count("torch.onnx.export(model.eval()") == 1
    # self-contained: inline CSS, no scripts, nothing fetched from outside
    assert "link" not in tags and "iframe" not in tags and "object" not in tags
    assert "@import" not in html and "url(" not in html
    assert all(not a.get("src") for _, a in tree.tags)
    hrefs = [a["href"] for t, a in tree.tags if "href" in a]
    assert all(t == "a" for t, a in tree.tags if "href" in a)
    assert hrefs == ["https://example.org/today", "https://example.org/charts"]  # the reference list, newest first
    assert all(not k.startswith("on") for _, a in tree.tags for k in a)
    assert "@media print" in html
    # the picture on the first screen, inline SVG: the pick against its runner-up on the criteria that separated them
    svgs = [a for t, a in tree.tags if t == "svg"]
    assert len(svgs) == 1  # the mini knowledge has no deployment runner-up: one side to compare
    assert "#1 Alpha, 81.2/100 (the pick)" in tree.text["svg"] and "#2 Gamma, 64.5/100" in tree.text["svg"]
    assert "Ecosystem" in tree.text["svg"] and "weight 2.5" in tree.text["svg"]
    rects = [a for t, a in tree.tags if t == "rect"]
    assert sum(a.get("fill") == "#1f6fb2" for a in rects) == 1 + 5  # the pick: its legend key and one bar per criterion
    assert sum(a.get("fill") == "#d1495b" for a in rects) == 1 + 5  # the runner-up, side by side
    # the Showdown table says what it ranks by, and the criteria are explained in plain words
    assert "Rank for your answers" in tree.text["th"]
    assert "Ranked as for your answers" in tree.text["p"]
    assert "Sym/Dyn graph building" in tree.text["dt"] and "define-by-run" in tree.text["dd"]


def test_comparison_chart_geometry():
    chart = report._compare_chart({"names": ["P", "Q"], "scores": [90.0, 80.0], "ranks": [1, 2], "ahead": 1,
                                   "rows": [{"id": "a", "label": "A", "weight": 2.0, "values": [100.0, 50.0],
                                             "known": [True, False], "pick_ahead": True}]})
    left = float(chart["left"])
    (group,) = chart["groups"]
    p, q = group["bars"]
    assert (p["w"], q["w"]) == ("230.0", "115.0")  # 0-100 on the same axis, side by side
    assert float(p["tx"]) == left + 230 + 4 and (p["text"], q["text"]) == ("100", "50 *")
    assert (p["color"], q["color"]) == report.PALETTE[:2]
    assert [k["text"] for k in chart["keys"]] == ["#1 P, 90/100 (the pick)", "#2 Q, 80/100"]
    assert chart["estimated"] is True and group["weight"] == "2"


def test_the_comparison_shows_the_criteria_that_separated_the_pick_on_both_sides(monkeypatch):
    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    rec = _rec_real(["sector=industry", "target=server"])
    view = report.build_view(rec)
    for side in ("prototype", "deployment"):
        c = view["compare"][side]
        assert c["names"][0] == getattr(rec, side).name and len(c["names"]) == 3
        assert 1 <= len(c["rows"]) <= report.SEPARATING
        assert all(len(r["values"]) == 3 and len(set(r["values"])) > 1 for r in c["rows"])  # each one separates


def test_a_runner_up_higher_on_the_showdown_is_explained_under_the_table(monkeypatch):
    from advisor import recommendation as R

    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    rec = _rec_real(["sector=industry", "target=server"])
    rows = list(rec.showdown)
    if len(rows) < 2:
        pytest.skip("needs two Showdown rows")
    pick = next(r for r in rows if r.id == rec.prototype.id)
    other = next(r for r in rows if r.id != pick.id)
    bumped = R.ShowdownRow(other.id, other.name, other.rank, pick.overall + 5, other.categories)
    rec2 = _rec_real_replace(rec, showdown=tuple(bumped if r.id == other.id else r for r in rows))
    text = report.render(rec2, "markdown")
    assert f"{other.name} scores higher on the Showdown's overall" in text
    assert "The pick is chosen on your weights and on the pair with the runtime" in text


def _rec_real(sets):
    from advisor.context import Context

    return Context(None).recommend_args(argparse.Namespace(answers=None, sets=sets))


def _rec_real_replace(rec, **changes):
    from dataclasses import replace as _replace

    return _replace(rec, **changes)


def test_html_unmet_is_readable(cli, mini_kb, tmp_path):
    out = tmp_path / "none.html"
    r = cli("report", *_args("2019-06", ["target=browser", "language=rust"]), "-o", out)
    assert r.code == 1
    tree = _parse(out.read_text(encoding="utf-8"))
    assert tree.text["h1"].strip() == "No workable recommendation"
    assert "Relax language=rust: then RuntimeWeb is the nearest workable option." in tree.text["div"]
    assert [t for t, _ in tree.tags].count("svg") == 0  # no pick: nothing to compare


# ---------------------------------------------------------------- HTML seen in a real browser


def _png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced PNG (what Chromium writes) with the standard library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    width = height = bpp = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and ctype in (0, 2, 4, 6), (depth, ctype, interlace)
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        f, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((x + p) & 255 for x, p in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def test_html_screenshot_in_headless_chromium(mini_kb, tmp_path):
    exe = _chromium()
    if exe is None:
        if os.environ.get("ADVISOR_TEST_INSTALLED") == "1":
            pytest.fail("chromium is not installed; the test setup must install Debian's `chromium` package")
        pytest.skip("chromium not installed (apt-get install chromium); required when ADVISOR_TEST_INSTALLED=1")
    page = report.write_report(_rec("2026-10", ["sector=industry"]), tmp_path / "report.html", title="Team <Vision> & co")
    shot = tmp_path / "shot.png"
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={shot}",
           "--window-size=1200,1600", "--hide-scrollbars", page.resolve().as_uri()]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=tmp_path,
                       env={**os.environ, "HOME": str(tmp_path)})
    assert shot.is_file() and shot.stat().st_size > 0, f"no screenshot (exit {p.returncode}): {p.stderr[-2000:]}"
    width, height, bpp, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    inked = 0
    colours = set()
    accent = 0  # the report's blue (#1f6fb2): header rule, bridge arrow, tags
    for row in rows[::2]:
        for x in range(0, width * bpp, 2 * bpp):
            r, g, b = (row[x], row[x + 1], row[x + 2]) if bpp >= 3 else (row[x],) * 3
            if min(r, g, b) < 200:
                inked += 1
            colours.add((r >> 4, g >> 4, b >> 4))
            if abs(r - 0x1F) < 24 and abs(g - 0x6F) < 24 and abs(b - 0xB2) < 24:
                accent += 1
    sampled = (height // 2) * (width // 2)
    assert inked / sampled > 0.02, f"the page looks blank: {inked} inked of {sampled} sampled pixels"
    assert len(colours) >= 12, f"only {len(colours)} distinct colours: the styles did not apply"
    assert accent > 200, "the report's accent colour is missing: CSS not applied"


def _screenshot(page: Path, tmp_path: Path, size: tuple[int, int]) -> tuple[int, int, int, list[bytes]]:
    """Chromium's screenshot of `page` at `size` (kept in ADVISOR_SCREENSHOTS=DIR when set, to look at)."""
    exe = _chromium()
    if exe is None:
        if os.environ.get("ADVISOR_TEST_INSTALLED") == "1":
            pytest.fail("chromium is not installed; the test setup must install Debian's `chromium` package")
        pytest.skip("chromium not installed (apt-get install chromium); required when ADVISOR_TEST_INSTALLED=1")
    shot = tmp_path / f"{page.stem}-{size[0]}x{size[1]}.png"
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={shot}",
           f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", page.resolve().as_uri()]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=tmp_path,
                       env={**os.environ, "HOME": str(tmp_path)})
    assert shot.is_file() and shot.stat().st_size > 0, f"no screenshot (exit {p.returncode}): {p.stderr[-2000:]}"
    keep = os.environ.get("ADVISOR_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    return _png_pixels(shot.read_bytes())


def _near(rgb, hex_colour: str, tol: int = 24) -> bool:
    want = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) < tol for a, b in zip(rgb, want))


def test_the_first_screen_names_the_pair_and_compares_it_with_the_runners_up(cli, tmp_path, monkeypatch):
    """As a manager opens it: 1200x900, no scrolling. The title names the pair, and the comparison chart
    (the pick in the accent blue, runners-up in red and amber, both sides) is on that first screen."""
    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    page = tmp_path / "manager.html"
    r = cli("report", "--set", "sector=industry", "--set", "target=server", "-o", page)
    assert r.code == 0, r.err
    tree = _parse(page.read_text(encoding="utf-8"))
    rec = json.loads(cli("recommend", "--set", "sector=industry", "--set", "target=server", "--format", "json").out)
    pair = f"Prototype in {rec['prototype']['name']}, deploy with {rec['deployment']['name']}"
    assert tree.text["h1"].strip() == pair
    html = page.read_text(encoding="utf-8")
    assert html.index("<h1>") < html.index('id="compare"') < html.index("The bridge, step by step")
    width, height, bpp, rows = _screenshot(page, tmp_path, (1200, 900))
    found = {"#1f6fb2": [0, 0], "#d1495b": [0, 0], "#e9a03b": [0, 0]}  # pixels in the left / right half
    for row in rows:
        for x in range(0, width * bpp, bpp):
            rgb = (row[x], row[x + 1], row[x + 2]) if bpp >= 3 else (row[x],) * 3
            for colour, halves in found.items():
                if _near(rgb, colour):
                    halves[x // bpp >= width // 2] += 1
    for colour, (left, right) in found.items():
        # bars of each candidate on both sides (prototype left, deployment right), not just a legend key
        assert left > 400 and right > 400, (colour, left, right)


# ---------------------------------------------------------------- JSON and formats


def test_json_is_the_whole_recommendation(cli, mini_kb, tmp_path):
    out = tmp_path / "rec.json"
    assert cli("report", *_args("2026-10", ["sector=industry"]), "-o", out).code == 0
    r = cli("recommend", *_args("2026-10", ["sector=industry"]), "--format", "json")
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(r.out)
    # a title is kept beside the Recommendation, not inside it
    out2 = tmp_path / "titled.json"
    assert cli("report", *_args("2026-10", ["sector=industry"]), "--title", "T", "-o", out2).code == 0
    data = json.loads(out2.read_text(encoding="utf-8"))
    assert data.pop("report") == {"title": "T", "extra": {}}
    assert data == json.loads(r.out)


@pytest.mark.parametrize("name,fmt", [("a.md", "markdown"), ("a.MARKDOWN", "markdown"), ("a.html", "html"),
                                      ("a.htm", "html"), ("a.json", "json")])
def test_format_follows_the_extension(name, fmt):
    assert report.format_for(name) == fmt
    assert report.format_for("x.txt", fmt) == fmt


def test_unknown_extension_needs_format(cli, mini_kb, tmp_path):
    out = tmp_path / "report.txt"
    r = cli("report", "-o", out)
    assert r.code == 2
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert "'.txt'" in r.err and ".md, .markdown, .html, .htm, .json" in r.err and "--format markdown|html|json" in r.err
    assert not out.exists()
    r = cli("report", "--format", "html", "-o", out)
    assert r.code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = cli("report", "--format", "pdf", "-o", out)
    assert r.code == 2 and "invalid choice: 'pdf'" in r.err


def test_empty_title_is_bad_input(cli, mini_kb, tmp_path):
    r = cli("report", "--title", "  ", "-o", tmp_path / "r.md")
    assert r.code == 2 and "--title" in r.err


def test_installed_command_from_another_folder(run_advisor, tmp_path):
    r = run_advisor("report", "--as-of", "2026-10", "--set", "sector=industry", "-o", "out.html",
                    env={"ADVISOR_KNOWLEDGE": str(Path(__file__).parent / "data" / "kb-mini")})
    assert r.code == 0, r.err
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<h1>Prototype in Alpha, deploy with RuntimeOne</h1>" in html


# ---------------------------------------------------------------- atomic writes


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_missing_folder(cli, mini_kb, tmp_path):
    out = tmp_path / "nope" / "r.html"
    r = cli("report", "-o", out)
    assert r.code == 2
    assert r.err.startswith("advisor: ") and r.err.count("\n") == 1 and "does not exist" in r.err
    assert not out.parent.exists()


def test_output_is_a_folder(cli, mini_kb, tmp_path):
    (tmp_path / "x.md").mkdir()
    r = cli("report", "-o", tmp_path / "x.md")
    assert r.code == 2 and "is a folder" in r.err


def test_unwritable_folder(cli, mini_kb, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root ignores the mode: simulate the refusal of files made in it
            real_open = os.open

            def refuse(path, *a, **k):
                if os.path.dirname(os.fspath(path)) == str(folder):
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
                return real_open(path, *a, **k)

            monkeypatch.setattr(os, "open", refuse)
        r = cli("report", "-o", folder / "r.md")
        assert r.code == 2 and "Permission denied" in r.err and "Traceback" not in r.err
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("fail", ["fsync", "replace"])
def test_disk_full_keeps_the_old_file(cli, mini_kb, tmp_path, monkeypatch, fail):
    out = tmp_path / "r.html"
    out.write_text("the old report\n", encoding="utf-8")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, fail, full)
    r = cli("report", "-o", out)
    monkeypatch.undo()
    assert r.code == 2
    assert "No space left on device" in r.err and r.err.count("\n") == 1
    assert out.read_text(encoding="utf-8") == "the old report\n"
    assert _leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_rewrite_replaces_the_whole_file(cli, mini_kb, tmp_path):
    out = tmp_path / "r.md"
    out.write_text("x" * 100_000, encoding="utf-8")
    assert cli("report", "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Prototype in ") and "x" * 100 not in text
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------- --verify


def _verify_result(**changes):
    from advisor.verify import Result

    fields = dict(ok=True, prototype="alpha", prototype_name="Alpha", runtime="rt-one", runtime_name="RuntimeOne",
                  bridge="onnx", exporter="torch.onnx", model=None, seed=0, opset=18, opsets={"ai.onnx": 18},
                  max_abs_diff=3.2e-07, max_reference=1.5, tolerance={"atol": 1e-4}, export_s=0.5, load_s=0.1,
                  infer_s=0.01, device="CPU", versions={"onnx": "1.17.0"},
                  steps=["exported <tiny> model", "ran it"], notes=[], failed_at=None, kept=None,
                  message="outputs match <within> 1e-5")
    return Result(**{**fields, **changes})


def test_verify_result_is_included(cli, mini_kb, tmp_path, monkeypatch):
    import advisor.verify

    calls = []

    def verify_pair(prototype_id, runtime_id):
        calls.append((prototype_id, runtime_id))
        return _verify_result()

    monkeypatch.setattr(advisor.verify, "verify_pair", verify_pair)
    out = tmp_path / "r.html"
    r = cli("report", "--as-of", "2026-10", "--set", "sector=industry", "--verify", "-o", out)
    assert r.code == 0 and r.err == ""
    assert calls == [("alpha", "rt-one")]
    html = out.read_text(encoding="utf-8")
    assert "Verification on this machine" in html and "outputs match &lt;within&gt; 1e-5" in html
    assert "3.20e-07" in html and "<li>exported &lt;tiny&gt; model</li>" in html and "onnx 1.17.0" in html
    assert "failed_at" not in html and "kept" not in html
    md = tmp_path / "r.md"
    assert cli("report", "--as-of", "2026-10", "--set", "sector=industry", "--verify", "-o", md).code == 0
    text = md.read_text(encoding="utf-8")
    assert "## Verification on this machine\n\noutputs match \\<within\\> 1e-5\n\n1. exported \\<tiny\\> model\n2. ran it\n" in text
    js = tmp_path / "r.json"
    assert cli("report", "--as-of", "2026-10", "--set", "sector=industry", "--verify", "-o", js).code == 0
    assert json.loads(js.read_text(encoding="utf-8"))["verification"]["opset"] == 18


def test_verify_error_goes_on(cli, mini_kb, tmp_path, monkeypatch):
    from advisor.errors import MissingDependency

    import advisor.verify

    def verify_pair(prototype_id, runtime_id):
        raise MissingDependency("verify needs onnxruntime: pip install 'dl-advisor[verify]'")

    monkeypatch.setattr(advisor.verify, "verify_pair", verify_pair)
    r = cli("report", "--verify", "-o", tmp_path / "r.md")
    assert r.code == 0 and "--verify skipped: verify needs onnxruntime" in r.err


# ---------------------------------------------------------------- the real knowledge


@pytest.mark.parametrize("sets", [["sector=industry", "target=server"],
                                  ["target=mobile", "mobile_os=both", "language=kotlin"]])
def test_real_knowledge_report(cli, tmp_path, monkeypatch, sets):
    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    out = tmp_path / "r.html"
    r = cli("report", *sum((["--set", s] for s in sets), []), "-o", out)
    assert r.code in (0, 1), r.err
    tree = _parse(out.read_text(encoding="utf-8"))
    rec = json.loads(cli("recommend", *sum((["--set", s] for s in sets), []), "--format", "json").out)
    if rec["prototype"]:
        assert f"Prototype in {rec['prototype']['name']}, deploy with {rec['deployment']['name']}" == tree.text["h1"].strip()
        assert [t for t, _ in tree.tags].count("svg") == 2
        for step in rec["bridge"]["steps"]:
            assert step.replace("`", "") in tree.text["ol"]


def test_pick_that_is_not_first_on_its_side():
    """The pair wins on the bridge: the pick can rank below another candidate on its own side (embedded
    vision in mid-2018: PyTorch ranks first as a prototype, but TensorFlow deploying itself wins the pair).
    The report explains the pick's own criteria and why each higher-ranked candidate lost the pair."""
    rec = _rec("2018-06", ["sector=industry", "target=embedded", "task=vision", "language=cpp"])
    assert rec.prototype.id == "tensorflow" and rec.prototype_ranking[0].id == "pytorch"
    text = report.render(rec, "markdown")
    assert "Prototyping framework, TensorFlow:" in text
    assert re.search(r"- #1 \*\*PyTorch\*\* \([\d.]+/100\): it ranks above TensorFlow on its own, but its best "
                     r"pair \(PyTorch -\\> [^)]+\) scores [\d.]+ against [\d.]+ for the pick\.", text)
    assert not re.search(r"#\d \*\*TensorFlow\*\* \(", text.split("Why not the runners-up")[1].split("###")[0]), \
        "the pick is not its own runner-up"


def test_our_sentences_are_inert_markdown_but_keep_their_code_spans():
    """Warnings, why-nots and steps quote knowledge (names, notes, tools): escaped outside `code`."""
    text = report.md_text("Run `x = a <b> [y](z)` then see [x](javascript:alert(1)) <script> https://evil.example")
    assert "`x = a <b> [y](z)`" in text  # a code span renders nothing: kept to copy
    assert "\\[x\\](javascript:alert(1))" in text and "\\<script\\>" in text and "https\\://" in text
