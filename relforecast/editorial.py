"""The house style of every sentence a reader sees, in English and Chinese.

Reports, figure titles and the paragraphs other modules write (recent movement, verdicts) use
these few functions, so that one rule is applied once:

* **months**: ``2025-07`` in English, ``2025年7月`` in Chinese (:func:`fmt_month`); a span is
  "2025-07 to 2026-06" / "2025年7月至2026年6月" (:func:`fmt_span`), never ``2025-07..2026-06``;
* **numbers**: a true minus sign (``−6.0``, :func:`fmt_num`); a range of values is
  ``−6.2 … −3.7`` in an English table cell and ``−6.2～−3.7`` everywhere in Chinese, text and
  tables, percentages too (``42%～68%``; :func:`fmt_range`) — a span of months is written
  with 至, a range of values never (no ``−6.2 至 −3.7``, no ``42%–68%`` in Chinese);
* **punctuation**: Chinese text uses full-width parentheses, colons, commas and semicolons next
  to Chinese characters (:func:`fullwidth`, applied to every block of a Chinese document);
  Latin names keep their own (``ARIMA(1,1,0)``);
* **spacing** in Chinese: no space between a Chinese character and a number or a Latin word
  (``低于−6的概率为17.0%``, ``7组双边关系``, ``ARIMA(1,1,0)和马尔可夫转换模型``), as in
  Chinese print; numbers among themselves keep theirs (``17.0% ± 0.4%``);
* **words** in Chinese: dyads are counted with 组 (``7组双边关系``, never 对); the Brier score
  is 布里尔分数;
* **model names**: a short name in the text (:func:`short_model_name`, "pool of 6 models" /
  "6 个模型的组合"); the full specification appears once, in the report's methods note;
* **no file names** in reader text.

:func:`problems` lists where a text breaks these rules; the tests run it on every report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "ARIMA_NAME",
    "AR_LEVEL_NAME",
    "CLIMATOLOGY_NAME",
    "fmt_date",
    "fmt_month",
    "fmt_num",
    "fmt_range",
    "fmt_span",
    "fullwidth",
    "problems",
    "short_model_name",
    "tight_template",
]

#: Chinese characters and full-width punctuation (CJK symbols, half/full-width forms).
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{CJK}]")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_MONTH = re.compile(r"(?<![\d.\-])(\d{4})-(0[1-9]|1[0-2])(?![\d\-])")
_HYPHEN_MINUS = re.compile(r"(?<![A-Za-z0-9_.)\]])-(?=\d)")
_FILE_NAME = re.compile(r"\b[\w-]+\.(?:json|csv|png|md|html|docx|yaml|yml|sqlite)\b")
#: What a number may start or end with next to a Chinese character (a space between is dropped).
_LATIN = "0-9A-Za-z%−+±"
_SPACE_AFTER_CJK = re.compile(f"(?<=[{CJK}]) +(?=[{_LATIN}(])")
_SPACE_BEFORE_CJK = re.compile(f"(?<=[{_LATIN})]) +(?=[{CJK}])")
# the same in a template, where a placeholder ({t}, {n}) stands for a number or a name
_TEMPLATE_AFTER_CJK = re.compile(f"(?<=[{CJK}]) +(?=[{_LATIN}({{])")
_TEMPLATE_BEFORE_CJK = re.compile(f"(?<=[{_LATIN})}}]) +(?=[{CJK}])")
#: A range of values written with a dash or 至 (``42%–68%``, ``−6.2 至 −3.7``): ``～`` in Chinese.
_VALUE_RANGE = re.compile(r"(?<=\d)(%?) *(?:[–—~]|至) *(?=[−+]?\d)")
#: Chinese words the house style replaces (the variant, the house word).
ZH_WORDS = (("对双边关系", "组双边关系"), ("布赖尔", "布里尔"))


def fmt_month(month: object, lang: str = "en") -> str:
    """``2025-07`` (English) or ``2025年7月`` (Chinese)."""
    text = str(month)
    m = _MONTH.fullmatch(text)
    if lang != "zh" or m is None:
        return text
    return f"{m.group(1)}年{int(m.group(2))}月"


def fmt_span(first: object, last: object, lang: str = "en") -> str:
    """A span of months: "2025-07 to 2026-06" / "2025年7月至2026年6月" ("2025年3月至4月" within
    a year; one month alone)."""
    a, b = fmt_month(first, lang), fmt_month(last, lang)
    if a == b:
        return a
    if lang == "zh":
        if a[:5] == b[:5] and a[4] == "年":  # the same year: 2025年3月至4月
            b = b[5:]
        return f"{a}至{b}"
    return f"{a} to {b}"


def fmt_num(value: float, digits: int = 1) -> str:
    """A number with a true minus sign: ``−6.0`` (never ``−0.0``)."""
    text = f"{value:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", "−")


def fmt_range(lo: str, hi: str, lang: str = "en") -> str:
    """Two formatted values as a range in a table cell: ``−6.2 … −3.7`` / ``−6.2～−3.7``."""
    return f"{lo}～{hi}" if lang == "zh" else f"{lo} … {hi}"


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def _neighbour(text: str, i: int, step: int) -> str:
    """The first non-space character from ``i`` in direction ``step`` ("" at the ends)."""
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


_FULL = {":": "：", ",": "，", ";": "；"}


def fullwidth(text: str) -> str:
    """Chinese punctuation for Chinese text.

    * a pair of parentheses becomes ``（…）`` when the character before it (spaces between
      ignored) or the first or last character inside it is Chinese (``ARIMA(1,1,0)`` keeps
      its own);
    * ``:``, ``,`` and ``;`` next to a Chinese character (spaces between ignored) become
      ``：``, ``，``, ``；`` and lose the spaces around them;
    * an ASCII ``-`` before a digit, not inside a word or a date, becomes the minus sign ``−``;
    * an ISO month (``2025-07``) becomes ``2025年7月`` and ``..`` between months ``至``;
    * a range of values (``42%–68%``, ``−6.2 至 −3.7``) becomes ``42%～68%``, ``−6.2～−3.7``;
    * spaces between a Chinese character and a number or Latin word are dropped.

    Text without Chinese characters is returned unchanged.
    """
    if not _CJK_CHAR.search(text):
        return text
    text = re.sub(
        r"(\d{4}-\d{2})\s*\.\.\s*(\d{4}-\d{2})",
        lambda m: fmt_span(m.group(1), m.group(2), "zh"),
        text,
    )
    text = _ISO_MONTH.sub(lambda m: fmt_month(m.group(0), "zh"), text)
    text = _HYPHEN_MINUS.sub("−", text)
    chars = list(text)
    stack: list[int] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            before = _neighbour(text, start, -1)
            inner = text[start + 1 : i].strip()
            if _is_cjk(before) or (inner and (_is_cjk(inner[0]) or _is_cjk(inner[-1]))):
                chars[start], chars[i] = "（", "）"
                j = start - 1
                while j >= 0 and chars[j] == " ":
                    chars[j] = ""
                    j -= 1
    text = "".join(chars)
    out: list[str] = []
    for i, ch in enumerate(text):
        full = _FULL.get(ch)
        if full and (_is_cjk(_neighbour(text, i, -1)) or _is_cjk(_neighbour(text, i, 1))):
            if ch == ":" and text[i + 1 : i + 3] == "//":  # an address (https://)
                out.append(ch)
                continue
            while out and out[-1] == " ":
                out.pop()
            out.append(full)
            continue
        if ch == " " and out and out[-1] in _FULL.values():
            continue
        out.append(ch)
    text = "".join(out)
    text = _VALUE_RANGE.sub(lambda m: f"{m.group(1)}～", text)
    text = _SPACE_AFTER_CJK.sub("", text)
    return _SPACE_BEFORE_CJK.sub("", text)


def tight_template(template: str) -> str:
    """A Chinese label template with the house spacing: no space between a Chinese character
    and a number, a Latin word or a placeholder (``"低于 {t} 的概率"`` → ``"低于{t}的概率"``),
    so that figures, which do not pass through :func:`fullwidth`, follow it too."""
    return _TEMPLATE_BEFORE_CJK.sub("", _TEMPLATE_AFTER_CJK.sub("", template))


def problems(text: str, lang: str = "en") -> list[str]:
    """Where ``text`` breaks the house style (an empty list when it does not).

    Both languages: a file name (``summary.json``) or a month span written ``..``. Chinese
    text also: ASCII parentheses, colons, commas or semicolons next to Chinese characters, ISO
    months, hyphen-minus signs before numbers, a range of values not written ``～``, a space
    between a Chinese character and a number or Latin word, and the variants of
    :data:`ZH_WORDS`.
    """
    found = [f"file name {m.group(0)!r}" for m in _FILE_NAME.finditer(text)]
    found += [f"span {m.group(0)!r}" for m in re.finditer(r"\d{4}-\d{2}\s*\.\.", text)]
    if lang != "zh":
        return found
    pattern = rf"[{CJK}] ?[(:,;]|[:,;] ?[{CJK}]|\( ?[{CJK}]|[{CJK}] ?\)"
    for m in re.finditer(pattern, text):
        found.append(f"half-width punctuation {m.group(0)!r}")
    found += [f"ISO month {m.group(0)!r}" for m in _ISO_MONTH.finditer(text)]
    for m in _HYPHEN_MINUS.finditer(text):
        found.append(f"hyphen-minus {text[max(0, m.start() - 8) : m.end() + 3]!r}")
    for m in _VALUE_RANGE.finditer(text):
        if "～" not in m.group(0):
            found.append(f"range {text[max(0, m.start() - 6) : m.end() + 4]!r}")
    for pattern in (_SPACE_AFTER_CJK, _SPACE_BEFORE_CJK):
        for m in pattern.finditer(text):
            found.append(f"space {text[max(0, m.start() - 4) : m.end() + 4]!r}")
    found += [f"word {bad!r} (write {good!r})" for bad, good in ZH_WORDS if bad in text]
    return found


ARIMA_NAME = re.compile(r"ARIMA\((\d+), ?(\d+), ?(\d+)\)(\+drift)?(\+boot)?")
"""An ARIMA's name (specification or fit): the order, then ``+drift`` and ``+boot``
(innovations resampled from its own errors) when they apply."""
AR_LEVEL_NAME = re.compile(r"AR\(1\)-level\((\d+)\)")
"""The name of :class:`relforecast.models.ar_level.ARLevel`: its window."""
CLIMATOLOGY_NAME = re.compile(r"climatology\((\d+)\)")
"""The name of :class:`relforecast.models.climatology.Climatology`: its window."""
_FAMILIES = (
    (ARIMA_NAME, None),
    (re.compile(r"MS\(\d+\).*"), ("regime-switching model", "马尔可夫转换模型")),
    (re.compile(r"block-bootstrap\(.*"), ("block bootstrap", "区块自助法")),
    (AR_LEVEL_NAME, ("AR(1) toward a level", "向均值回归的一阶自回归模型")),
    (CLIMATOLOGY_NAME, ("climatology", "近期经验分布")),
    (re.compile(r"RW-gauss"), ("Gaussian random walk", "高斯随机游走")),
    (re.compile(r"RW-boot"), ("bootstrap random walk", "自助随机游走")),
)
_IN_STEPS = " in steps"


def short_model_name(name: str, lang: str = "en", weights: Sequence[float] | None = None) -> str:
    """A model's name short enough for a sentence or a figure title.

    A pool (``auto[A + B + …]``) is "pool of 6 models" / "6 个模型的组合" ("weighted
    pool of 6 models" / "按近期表现加权的 6 个模型组合" when its weights differ); a single
    model its family ("ARIMA(1,1,0)", "regime-switching model", "block bootstrap"); a name
    it does not know is returned unchanged. The full specification belongs in the methods
    note (:func:`relforecast.graphics.labels.model_label`).
    """
    zh = lang == "zh"
    if name.startswith("auto[") and name.endswith("]"):
        n = len(name[5:-1].split(" + "))
        weighted = weights is not None and len(weights) > 1 and max(weights) - min(weights) > 1e-9
        if weighted:
            return f"按近期表现加权的 {n} 个模型组合" if zh else f"weighted pool of {n} models"
        return f"{n} 个模型的组合" if zh else f"pool of {n} models"
    if name.endswith(_IN_STEPS):
        name = name[: -len(_IN_STEPS)]
    for pattern, words in _FAMILIES:
        m = pattern.fullmatch(name)
        if m is None:
            continue
        if words is None:  # ARIMA keeps its order
            return f"ARIMA({m.group(1)},{m.group(2)},{m.group(3)})"
        return words[1] if zh else words[0]
    return name


def fmt_date(day: str, lang: str = "en") -> str:
    """A calendar day (``2026-12-06``, or the start of an ISO time stamp) as the report writes
    it: unchanged in English, ``2026年12月6日`` in Chinese."""
    text = str(day)[:10]
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if lang != "zh" or m is None:
        return text
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"
