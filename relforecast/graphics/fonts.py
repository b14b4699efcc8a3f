"""One font choice for every figure: a deterministic CJK font for Chinese text.

matplotlib's font list is built from a cache whose order depends on the machine and on when
fonts were installed, so "the first CJK font found" can differ between processes (regular,
bold or a Japanese-glyph variant). Here the candidates are ranked by a fixed preference —
simplified-Chinese faces first, sans before serif, regular weight before bold — and ties are
broken by family name and file path, so the same machine always gives the same font.

Use :func:`figure_style` as a context manager around any drawing::

    with figure_style("zh") as font:
        fig, ax = plt.subplots()
        ...
        pin_fonts(fig, font)   # when the figure may be saved after the context ends
    font.name     # e.g. "Noto Sans CJK SC" (None for English: matplotlib's default)

matplotlib resolves a text's generic family ("sans-serif") when the figure is *drawn*, with the
rcParams of that moment: a figure built inside the context but saved outside it would draw its
Chinese text with the default font (boxes). :func:`pin_fonts` writes the chosen family into
every text object of the figure (and into the tick-label settings), so the figure keeps its font
wherever it is saved.

Every public plotting function of the package is wrapped in :func:`drawn_in_style`, so a figure
drawn from a script (``fc.plot(lang="zh")``) gets the same font as the report's figures without
the caller opening the context: the language is the function's ``lang`` argument, or Chinese
when any of its words (``text``, ``title``) is Chinese.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["FontChoice", "cjk_font", "drawn_in_style", "figure_style", "pin_fonts"]

_F = TypeVar("_F", bound=Callable[..., Any])
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

# Family-name preferences, most preferred first (lower-case substrings).
_PREFERENCE = (
    "noto sans cjk sc",
    "source han sans sc",
    "source han sans cn",
    "noto sans sc",
    "wenquanyi zen hei",
    "wenquanyi micro hei",
    "noto sans cjk",
    "source han sans",
    "simhei",
    "microsoft yahei",
    "pingfang sc",
    "heiti",
    "droid sans fallback",
    "noto serif cjk sc",
    "noto serif cjk",
    "source han serif",
    "ar pl",
)
_HINTS = (
    "cjk",
    "wenquanyi",
    "wqy",
    "source han",
    "simhei",
    "yahei",
    "pingfang",
    "heiti",
    "droid sans fallback",
    "noto sans sc",
    "ar pl",
)


@dataclass(frozen=True)
class FontChoice:
    """The font used for a figure's text.

    Attributes
    ----------
    name : str or None
        Family name given to matplotlib; ``None`` means matplotlib's default (DejaVu Sans).
    path : str or None
        The font file, when a CJK font was chosen.
    index : int
        The face inside a font collection (``.ttc``): Noto Sans CJK holds the Japanese,
        Korean, simplified and traditional Chinese faces in one file, and matplotlib (3.10+)
        draws with the face of the chosen family (e.g. 2 for "Noto Sans CJK SC"), not the
        file's first face.
    """

    name: str | None
    path: str | None = None
    index: int = 0

    def to_dict(self) -> dict[str, str | int | None]:
        """Plain form for ``summary.json``: family, file and face index inside the file."""
        return {"name": self.name, "path": self.path, "face_index": self.index}


def _rank(name: str, path: str, weight: object) -> tuple:
    lower = name.lower()
    preference = next((i for i, p in enumerate(_PREFERENCE) if p in lower), len(_PREFERENCE))
    mono = "mono" in lower
    try:
        heaviness = abs(int(weight) - 400)
    except (TypeError, ValueError):
        heaviness = 0 if str(weight).lower() in ("normal", "regular", "book") else 300
    bold_file = any(w in Path(path).name.lower() for w in ("bold", "black", "heavy", "light"))
    return (preference, mono, heaviness, bold_file, name, path)


def _register_disk_fonts() -> None:
    """Add CJK font files on disk that matplotlib's cache does not know yet."""
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        squashed = path.lower().replace(" ", "")
        if path in known or not any(h.replace(" ", "") in squashed for h in _HINTS):
            continue
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            font_manager.fontManager.addfont(path)


def cjk_font() -> FontChoice | None:
    """The preferred installed font that can draw Chinese, or ``None`` when there is none.

    The same machine always gives the same answer (see the module docstring for the order).
    """
    from matplotlib import font_manager

    _register_disk_fonts()
    candidates = [
        f
        for f in font_manager.fontManager.ttflist
        if any(h in f.name.lower() for h in _HINTS) and f.style == "normal"
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda f: _rank(f.name, f.fname, f.weight))
    return FontChoice(best.name, best.fname, int(getattr(best, "index", 0) or 0))


@contextlib.contextmanager
def figure_style(lang: str = "en") -> Iterator[FontChoice]:
    """Context in which figures draw their text in the font chosen for ``lang``.

    For ``lang="zh"`` the CJK font of :func:`cjk_font` (DejaVu Sans as fallback for Latin
    glyphs); when none is installed the font is matplotlib's default and the yielded choice
    has ``name=None`` — callers decide whether to warn or fall back to English labels.
    """
    import matplotlib

    font = cjk_font() if lang == "zh" else None
    if font is None:
        with matplotlib.rc_context({"font.family": "sans-serif"}):
            yield FontChoice(None)
        return
    rc = {
        "font.family": "sans-serif",
        "font.sans-serif": [font.name, "DejaVu Sans"],
        "axes.unicode_minus": True,  # the true minus sign on the axes, as in the text
    }
    with matplotlib.rc_context(rc):
        yield font


def pin_fonts(artist: object, font: FontChoice) -> None:
    """Give every text of ``artist`` (a Figure or an Axes) the family of ``font`` explicitly.

    See the module docstring for why. Does nothing for ``font.name is None`` (matplotlib's
    default font).
    """
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    if font.name is None:
        return
    family = [font.name, "DejaVu Sans"]
    for text in artist.findobj(Text):
        text.set_fontfamily(family)
    for ax in [artist] if isinstance(artist, Axes) else artist.get_axes():
        ax.tick_params(which="both", labelfontfamily=family)


def _language(kwargs: dict[str, Any]) -> str:
    """``kwargs["lang"]``, or ``"zh"`` when the words given (``text``, ``title``) are Chinese."""
    if kwargs.get("lang") == "zh":
        return "zh"
    words = [*(kwargs.get("text") or {}).values(), kwargs.get("title") or ""]
    return "zh" if any(_CHINESE.search(str(w)) for w in words) else "en"


def _figure_of(result: Any) -> Any:
    for candidate in (result, getattr(result, "score_ax", None)):
        figure = getattr(candidate, "figure", None)
        if figure is not None:
            return figure
    return result if hasattr(result, "get_axes") else None


def drawn_in_style(func: _F) -> _F:
    """Run a plotting function inside :func:`figure_style` for its language and pin the
    chosen font into the figure it drew on (see the module docstring)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with figure_style(_language(kwargs)) as font:
            result = func(*args, **kwargs)
            figure = _figure_of(result)
            if figure is not None:
                pin_fonts(figure, font)
        return result

    return wrapper  # type: ignore[return-value]
