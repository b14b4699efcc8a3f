"""Words used in the event tables and figures, in English and Chinese."""

from __future__ import annotations

from relforecast.exceptions import DataError

__all__ = ["EVENT_WORDS", "event_words"]

EVENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "none": "none",
        "unclassified": "unclassified",
        "positive": "positive",
        "negative": "negative",
        "neutral": "neutral",
        "total": "total",
        "topic": "topic",
        "venue": "venue",
        "month": "month",
        "year": "year",
        "term": "term",
        "share": "share",
        "score": "score",
        "event_score": "event score",
        "net_event_score": "net event score",
        "no_events": "no events",
        "neutral_only": "neutral events only",
        "critical": "critical point {t}",
        "threshold": "threshold {t}",
        "shares_title": "{dyad}: {what} shares of {sign} events by {by}",
        "monthly_title": "{dyad}: monthly event scores",
        "window_title": "{dyad}: relation score and event scores, {span}",
        "window_title_scores": "{dyad}: relation score, {span}",
        "terms_title": "{dyad}: event shares by leader term",
        "n_events": "n = {n}",
    },
    "zh": {
        "none": "无",
        "unclassified": "未分类",
        "positive": "正面",
        "negative": "负面",
        "neutral": "中性",
        "total": "合计",
        "topic": "议题",
        "venue": "发生地",
        "month": "月",
        "year": "年",
        "term": "领导人任期",
        "share": "占比",
        "score": "分值",
        "event_score": "事件分值",
        "net_event_score": "事件净分值",
        "no_events": "无事件",
        "neutral_only": "仅中性事件",
        "critical": "临界值{t}",
        "threshold": "临界值{t}",
        "shares_title": "{dyad}：{sign}事件的{what}占比（按{by}）",
        "monthly_title": "{dyad}：月度事件分值",
        "window_title": "{dyad}关系分值与事件分值（{span}）",
        "window_title_scores": "{dyad}关系分值（{span}）",
        "terms_title": "{dyad}：各领导人任期的事件占比",
        "n_events": "n = {n}",
    },
}


def event_words(lang: str) -> dict[str, str]:
    """The words for ``lang`` (``"en"`` or ``"zh"``)."""
    if lang not in EVENT_WORDS:
        raise DataError(f"lang={lang!r} is not known; use 'en' or 'zh'")
    return EVENT_WORDS[lang]
