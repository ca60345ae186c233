#!/usr/bin/env python3
"""Print the import test issues: truth (Markdown) -> a laid-out gazette PDF -> extracted text.

Each test issue is a folder beside this script:

    <name>/truth/       the issue as an editor would transcribe it (hand-written, the reference)
    <name>/source.pdf   the printed form, made here from truth/
    <name>/source.txt   the text extracted from source.pdf (pdftotext, form feeds between pages;
                        `pdftotext -layout` for the two-column issue, as an import expects)

bad/ holds the inputs an import must refuse, and cmap/ a page whose text is GBK bytes in a
predefined CMap (gbk-euc-h.txt is what it says). The outputs are committed; nothing regenerates
them in CI. To regenerate (needs chromium, fonts-arphic-uming, fonts-wqy-microhei, poppler-utils, qpdf and the PyPI
package reportlab):

    python3 tests/import/make.py            # every issue and bad/
    python3 tests/import/make.py narrow     # one issue
    python3 tests/import/make.py two-columns-display   # text only, laid out here (no tools)

The printed pages of each item are found in the printed PDF and written back into the `pages:`
line of its truth file, so the truth says where each item was printed.
"""

import html
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

# The 栏目 in printed order (the same order as the bundled site's gazette.yaml).
SECTIONS = ["图片新闻", "文件发布", "机构人事", "政务简讯", "政府记事", "发文目录", "统计资料", "单位风采"]

DATE_LINE = re.compile(r"^(\d{4}|[〇○O零一二三四五六七八九]{4})年[\d〇○O零一二三四五六七八九十]+月[\d〇○O零一二三四五六七八九十]+日$")


# ---------------------------------------------------------------------------------------------
# Reading the truth


def read_item(path):
    """Front matter and Markdown body of one truth file."""
    text = open(path, encoding="utf-8").read()
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def read_issue(name):
    """The issue's items in printed order: by section, then position."""
    folder = os.path.join(HERE, name, "truth")
    items = []
    for file in sorted(os.listdir(folder)):
        if file == "_index.md" or not file.endswith(".md"):
            continue
        front, body = read_item(os.path.join(folder, file))
        items.append({"file": file, "front": front, "blocks": blocks(body)})
    items.sort(key=lambda i: (SECTIONS.index(i["front"]["section"]), i["front"].get("position", 0)))
    return items


def blocks(body):
    """The body as printed blocks: (kind, payload)."""
    out = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = chunk.split("\n")
        first = lines[0]
        if first.startswith("#"):
            level = len(first) - len(first.lstrip("#"))
            out.append(("h%d" % level, first.lstrip("#").strip()))
        elif first.startswith("|"):
            rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in lines]
            rows = [r for r in rows if not all(re.fullmatch(r"-+", c) for c in r)]
            out.append(("table", rows))
        elif re.match(r"^\d+\. ", first):
            for line in lines:
                out.append(("p", re.sub(r"^(\d+)\. ", r"\1.", line)))
        elif len(lines) >= 2 and DATE_LINE.match(lines[-1].strip()):
            out.append(("sign", lines))
        else:
            out.append(("p", " ".join(lines)))
    return out


def plain(text):
    """Inline Markdown removed: the text as printed."""
    return text.replace("**", "")


def title_block(front):
    """The lines printed above a body: (kind, text)."""
    doc_number = front.get("doc_number", "")
    lines = []
    if "令第" in doc_number:
        organ, number = doc_number.split("令第")
        lines.append(("order", organ + "令"))
        lines.append(("number", "第" + number))
        return lines
    lines.append(("title", front["title"]))
    if doc_number:
        lines.append(("number", doc_number))
    if front.get("registration_number"):
        lines.append(("number", front["registration_number"]))
    if front.get("addressees"):
        lines.append(("addressees", "，".join(front["addressees"]) + "："))
    return lines


# ---------------------------------------------------------------------------------------------
# Chromium layouts


def html_block(kind, payload):
    if kind == "h2" and payload.startswith("附件　"):
        # Printed as the bundled issue's 附件 are: the word on its own line, then the title.
        title = payload[len("附件　"):]
        return '<p class="h3">附件</p><h2 class="doc">%s</h2>' % html.escape(plain(title))
    if kind == "h2":
        return '<h2 class="doc">%s</h2>' % html.escape(plain(payload))
    if kind in ("h3", "h4"):
        return '<p class="%s">%s</p>' % (kind, html.escape(plain(payload)))
    if kind == "table":
        rows = "".join(
            "<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(plain(c)) for c in row) for row in payload
        )
        return "<table>%s</table>" % rows
    if kind == "sign":
        return '<div class="sign">%s</div>' % "".join(
            "<div>%s</div>" % html.escape(plain(l.strip())) for l in payload
        )
    text = html.escape(plain(payload))
    return '<p>%s</p>' % re.sub(r"^(第.{1,4}条)", r"<b>\1</b>", text)


def html_title(front):
    out = []
    for kind, text in title_block(front):
        out.append('<div class="tb-%s">%s</div>' % (kind, html.escape(text)))
    return '<div class="titleblock">%s</div>' % "".join(out)


STYLE_COMMON = """
body { font-family: "AR PL UMing CN"; margin: 0; }
.titleblock { column-span: all; text-align: center; margin: 4mm 0 3mm; }
.tb-title, .tb-order { font-family: "WenQuanYi Micro Hei"; font-size: 15pt; margin-bottom: 2mm; }
.tb-order { font-size: 18pt; }
.tb-number { font-size: 10pt; }
.tb-addressees { text-align: left; margin-top: 3mm; }
h2.doc { column-span: all; text-align: center; font-family: "WenQuanYi Micro Hei"; font-size: 13pt; margin: 4mm 0 2mm; }
p.h3 { font-family: "WenQuanYi Micro Hei"; }
p.h4, b { font-family: "WenQuanYi Micro Hei"; font-weight: normal; }
h2 { font-weight: normal; }
.sign { text-align: right; margin: 2mm 0; }
table { border-collapse: collapse; width: 100%; column-span: all; margin: 2mm 0; }
td { border: 0.5pt solid #000; padding: 1mm; font-size: 9pt; font-family: "AR PL UMing CN"; }
.banner { column-span: all; font-family: "WenQuanYi Micro Hei"; font-size: 12pt; border-bottom: 1pt solid #000; margin-bottom: 3mm; }
"""


def two_column_html(items, head):
    """Layout (a): two columns, a banner and a page style (running head) per section."""
    pages = []
    style = [STYLE_COMMON, """
@page { size: A4; margin: 22mm 18mm 20mm;
  @bottom-center { content: "·  " counter(page) "  ·"; font-size: 9pt; font-family: "AR PL UMing CN"; } }
p { margin: 0 0 1.2mm; text-indent: 2em; font-size: 10pt; line-height: 1.55; text-align: justify; }
.cols { columns: 2; column-gap: 9mm; }
.section { break-before: page; }
.section:first-child { break-before: auto; }
.item + .item { margin-top: 5mm; }
"""]
    sections = []
    for item in items:
        name = item["front"]["section"]
        if not sections or sections[-1][0] != name:
            sections.append((name, []))
        sections[-1][1].append(item)
    for n, (name, members) in enumerate(sections):
        page = "s%d" % n
        style.append(
            '@page %s { @top-center { content: "%s  %s"; font-size: 9pt; font-family: "AR PL UMing CN"; } }\n.%s { page: %s; }'
            % (page, head, name, page, page)
        )
        body = ['<div class="banner">%s</div>' % name]
        for item in members:
            body.append('<div class="item" data-file="%s">' % item["file"])
            body.append(html_title(item["front"]))
            body.extend(html_block(k, p) for k, p in item["blocks"])
            body.append("</div>")
        pages.append('<section class="section %s"><div class="cols">%s</div></section>' % (page, "".join(body)))
    return page_html("".join(style), "".join(pages))


def narrow_html(items, head):
    """Layout (c): one narrow column, no space between paragraphs, items run on mid-page."""
    style = STYLE_COMMON + """
@page { size: A4; margin: 30mm 48mm 26mm;
  @top-right { content: "%s"; font-size: 8pt; font-family: "AR PL UMing CN"; }
  @bottom-right { content: "- " counter(page) " -"; font-size: 8pt; font-family: "AR PL UMing CN"; } }
p { margin: 0; text-indent: 2em; font-size: 10.5pt; line-height: 1.4; text-align: justify; }
.item { margin-top: 6mm; }
""" % head
    body = []
    for item in items:
        body.append('<div class="item">')
        body.append(html_title(item["front"]))
        body.extend(html_block(k, p) for k, p in item["blocks"])
        body.append("</div>")
    return page_html(style, "".join(body))


def page_html(style, body):
    return '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>%s</style></head><body>%s</body></html>' % (style, body)


def chromium_pdf(page, out):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "issue.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(page)
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             "--print-to-pdf=" + out, src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )


# ---------------------------------------------------------------------------------------------
# reportlab layout (b): a CID font that is not embedded and has no ToUnicode map


def cid_pdf(items, head, out):
    """Single column, 12pt STSong-Light; title blocks drawn after their body in the content
    stream (where they stand on the page does not change), as some gazette PDFs do."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    width, height = 595.0, 842.0
    left, right, top, bottom = 90.0, 505.0, 770.0, 80.0
    size, leading = 12.0, 21.0

    def wrap(text, indent, measure=right - left):
        lines, line, first = [], "", True
        for ch in text:
            room = measure - (indent * size if first else 0)
            if pdfmetrics.stringWidth(line + ch, font, size) > room:
                lines.append((line, first))
                line, first = ch, False
            else:
                line += ch
        lines.append((line, first))
        return [(l, indent * size if f else 0.0) for l, f in lines]

    pages = [[]]  # each page: list of (deferred, x, y, text, size, align)
    y = [top]
    where = {}

    def room(lines_height):
        if y[0] - lines_height < bottom:
            pages.append([])
            y[0] = top

    def put(text, x, fs, align="left", deferred=False):
        room(leading)
        pages[-1].append((deferred, x, y[0], text, fs, align))
        y[0] -= leading * fs / size

    for item in items:
        front = item["front"]
        room(leading * 4)
        first_page = len(pages)
        for kind, text in title_block(front):
            fs = {"title": 16.0, "order": 18.0}.get(kind, size)
            align = "left" if kind == "addressees" else "center"
            if kind in ("title", "order"):
                for part, _ in wrap(text, 0, measure=right - left - 40):
                    put(part, width / 2, fs, align, deferred=True)
            else:
                put(text, width / 2 if align == "center" else left, fs, align, deferred=True)
        for kind, payload in item["blocks"]:
            if kind == "table":
                for row in payload:
                    put("　".join(plain(c) for c in row), left, size)
            elif kind == "sign":
                for line in payload:
                    put(plain(line.strip()), right, size, "right")
            elif kind == "h2":
                put(plain(payload), width / 2, 14.0, "center")
            else:
                indent = 0 if kind in ("h3", "h4") else 2
                for part, dx in wrap(plain(payload), indent):
                    put(part, left + dx, size)
        where[item["file"]] = (first_page, len(pages))
        y[0] -= leading

    c = canvas.Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)
    for n, page in enumerate(pages, 1):
        c.setFont(font, 9)
        c.drawString(left, 800, head)
        c.line(left, 795, right, 795)
        c.drawCentredString(width / 2, 50, "第 %d 页" % n)
        # Body first, then the title blocks: the order of the content stream, not of the page.
        for deferred, x, yy, text, fs, align in sorted(page, key=lambda l: l[0]):
            c.setFont(font, fs)
            {"left": c.drawString, "center": c.drawCentredString, "right": c.drawRightString}[align](x, yy, text)
        c.showPage()
    c.save()
    return where


# ---------------------------------------------------------------------------------------------
# Outputs


def extract_text(pdf, txt, layout=False):
    """pdftotext; with `layout`, `-layout`: columns printed side by side stay side by side
    (plain pdftotext interleaves a two-column page's lines, out of order)."""
    flags = ["-layout"] if layout else []
    subprocess.run(["pdftotext", "-enc", "UTF-8"] + flags + [pdf, txt], check=True)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def find_pages(items, txt):
    """Printed pages of each item, found in the extracted text of each page."""
    pages = [squeeze(p) for p in open(txt, encoding="utf-8").read().split("\f")]
    where, start = {}, 0
    for item in items:
        kinds = [t for k, t in title_block(item["front"]) if k != "addressees"]
        head = squeeze(kinds[0] if "令" not in kinds[0] else item["blocks"][0][1])[:10]
        tail = squeeze(plain(last_text(item["blocks"])))[-10:]
        first = next(i for i in range(start, len(pages)) if head in pages[i])
        last = next(i for i in range(first, len(pages)) if tail in pages[i])
        where[item["file"]] = (first + 1, last + 1)
        start = first
    return where


def last_text(blocks_):
    kind, payload = blocks_[-1]
    if kind == "table":
        return payload[-1][-1]
    if kind == "sign":
        return payload[-1]
    return payload


def write_pages(name, where):
    for file, (first, last) in where.items():
        path = os.path.join(HERE, name, "truth", file)
        text = open(path, encoding="utf-8").read()
        value = "[%d]" % first if first == last else "[%d, %d]" % (first, last)
        text = re.sub(r"(?m)^pages: .*$", "pages: " + value, text, count=1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


ISSUES = {
    "two-column": ("chromium-two-column", "温州市人民政府公报（总第209期）"),
    "cid-single": ("reportlab-cid", "丽水市人民政府公报　2020年第2期"),
    "narrow": ("chromium-narrow", "2020年第3期　温州市人民政府公报"),
}


def make_issue(name):
    layout, head = ISSUES[name]
    items = read_issue(name)
    pdf = os.path.join(HERE, name, "source.pdf")
    txt = os.path.join(HERE, name, "source.txt")
    if layout == "reportlab-cid":
        where = cid_pdf(items, head, pdf)
        extract_text(pdf, txt)
    else:
        page = two_column_html(items, head) if layout == "chromium-two-column" else narrow_html(items, head)
        chromium_pdf(page, pdf)
        # Pages are found in plain text: side by side, a phrase may be cut by the gutter.
        with tempfile.TemporaryDirectory() as tmp:
            plain_txt = os.path.join(tmp, "plain.txt")
            extract_text(pdf, plain_txt)
            where = find_pages(items, plain_txt)
        extract_text(pdf, txt, layout=layout == "chromium-two-column")
    write_pages(name, where)
    print("%s: %d items, %d bytes" % (name, len(items), os.path.getsize(pdf)))


def make_bad():
    """Inputs an import must refuse, each with its own error."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.lib.utils import ImageReader
    from PIL import Image, ImageDraw

    bad = os.path.join(HERE, "bad")
    os.makedirs(bad, exist_ok=True)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    # A scan: pages that hold only an image (here a drawing of text lines, no text layer),
    # after one page with a text layer.
    image = Image.new("L", (210, 297), 255)
    draw = ImageDraw.Draw(image)
    for row in range(30, 270, 12):
        draw.rectangle([25, row, 185 - (row * 7) % 40, row + 5], fill=40)
    c = canvas.Canvas(os.path.join(bad, "scan.pdf"), pagesize=(595, 842), invariant=1)
    c.setFont("STSong-Light", 12)
    c.drawString(90, 760, "本期第一页有文字层，其余两页为扫描图像。")
    c.showPage()
    for _ in range(2):
        c.drawImage(ImageReader(image), 0, 0, width=595, height=842)
        c.showPage()
    c.save()

    plain_pdf = os.path.join(bad, "plain.tmp.pdf")
    c = canvas.Canvas(plain_pdf, pagesize=(595, 842), invariant=1)
    c.setFont("STSong-Light", 12)
    c.drawString(90, 760, "加密的公报。")
    c.showPage()
    c.save()
    subprocess.run(
        ["qpdf", "--static-id", "--encrypt", "user-secret", "owner-secret", "256", "--",
         plain_pdf, os.path.join(bad, "encrypted.pdf")],
        check=True,
    )
    whole = open(os.path.join(HERE, "cid-single", "source.pdf"), "rb").read()
    open(os.path.join(bad, "truncated.pdf"), "wb").write(whole[: len(whole) // 3])
    open(os.path.join(bad, "not-a-pdf.pdf"), "wb").write(
        "温州市人民政府公报\n这是一个文本文件，不是 PDF。\n".encode("utf-8")
    )
    open(os.path.join(bad, "empty.pdf"), "wb").close()
    os.remove(plain_pdf)
    print("bad: %s" % ", ".join(sorted(os.listdir(bad))))


def gbk_pdf(out):
    """A page in a CID font that is not embedded, encoded GBK-EUC-H and without a ToUnicode
    map: the text is GBK bytes, readable only through the predefined CMap. Written by hand,
    as reportlab writes only UniGB-UCS2-H."""
    lines = ["温州市人民政府公报（总第210期）", "温州市人民政府关于印发2020年政府工作报告重点工作责任分解的通知",
             "温政发〔2020〕3号", "各县（市、区）人民政府，市政府直属各单位：", "二〇二〇年一月九日"]
    ops = ["BT", "/F1 12 Tf"]
    for n, text in enumerate(lines):
        raw = text.encode("gbk")
        ops.append("1 0 0 1 72 %d Tm <%s> Tj" % (760 - 24 * n, raw.hex()))
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
        b" /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(out, "wb") as f:
        f.write(data)
    return lines



# ---------------------------------------------------------------------------------------------
# Text laid out by display width (no PDF): two-columns-display/source.txt


def display_columns():
    """Two columns aligned by display width (a Chinese character two positions), as an editor
    or a converter other than pdftotext lays them out: 32 positions a column, a gutter of 6,
    titles and 文号 centred across both, no form feeds. The words are those of its truth/."""
    W, GUTTER = 32, 6
    total = W * 2 + GUTTER

    def dw(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    def center(s):
        return " " * ((total - dw(s)) // 2) + s

    def wrap(par):
        out, cur = [], "　　"
        for c in par:
            if dw(cur + c) > W:
                out.append(cur)
                cur = ""
            cur += c
        out.append(cur)
        return out

    def column(pars):
        lines = []
        for p in pars:
            if isinstance(p, tuple):  # a signature line, right-aligned in its column
                lines.append(" " * (W - dw(p[1]) - 2) + p[1])
            elif re.match(r"^[一二三四五六七八九十]+、", p):
                lines.append("　　" + p)
            else:
                lines += wrap(p)
        return lines

    def stretch(lines, n=None):
        n = (len(lines) + 1) // 2 if n is None else n
        left, right = lines[:n], lines[n:]
        out = []
        for i in range(max(len(left), len(right))):
            l = left[i] if i < len(left) else ""
            r = right[i] if i < len(right) else ""
            out.append((l + " " * (W + GUTTER - dw(l)) + r).rstrip() if r else l.rstrip())
        return out

    items = {i["file"]: i for i in read_issue("two-columns-display")}

    def pars(name):
        out = []
        for kind, payload in items[name]["blocks"]:
            if kind == "sign":
                out += [("right", line) for line in payload]
            else:
                out.append(plain(payload))
        return out

    head = "松阳县人民政府公报　2022年第2期"
    doc1, doc2 = column(pars("sz-2022-3.md")), column(pars("szbf-2022-5.md"))
    out = [center(head), "", center("文 件 发 布"), ""]
    out += [center(items["sz-2022-3.md"]["front"]["title"]), center("松政发〔2022〕3号"), ""]
    out += ["各乡镇人民政府、街道办事处，县政府各部门："]
    out += stretch(doc1[:16], 8) + ["", center("— 1 —"), "", center(head), ""]
    out += stretch(doc1[16:]) + [""]
    out += [center(items["szbf-2022-5.md"]["front"]["title"]), center("松政办发〔2022〕5号"), ""]
    out += ["各乡镇人民政府、街道办事处，县政府直属各单位："]
    out += stretch(doc2) + ["", center("— 2 —"), "", center(head), "", center("政 务 简 讯"), ""]
    for n, name in enumerate(["brief-1.md", "brief-2.md"]):
        out += ([""] if n else []) + [center(items[name]["front"]["title"])]
        out += stretch(column(pars(name)))
    out += ["", center("— 3 —")]
    path = os.path.join(HERE, "two-columns-display", "source.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("two-columns-display: %d lines" % len(out))


def main(names):
    for name in names or list(ISSUES):
        if name in ("bad", "cmap", "two-columns-display"):
            continue
        make_issue(name)
    if not names or "two-columns-display" in names:
        display_columns()
    if not names or "bad" in names:
        make_bad()
    if not names or "cmap" in names:
        os.makedirs(os.path.join(HERE, "cmap"), exist_ok=True)
        lines = gbk_pdf(os.path.join(HERE, "cmap", "gbk-euc-h.pdf"))
        with open(os.path.join(HERE, "cmap", "gbk-euc-h.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print("cmap: gbk-euc-h.pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
