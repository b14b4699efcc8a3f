"""Report and figure labels in English and Chinese."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Outlook",
        "window": "Window",
        "model": "Model",
        "data_to": "Data to",
        "summary": "Summary",
        "history": "History with the six levels",
        "fan": "Forecast for the window",
        "crossing": "P(crossing {t:g}) by scenario",
        "levels": "Level probabilities per month",
        "analogues": "Historical analogues",
        "scenarios": "Scenario comparison",
        "forecast_table": "Baseline forecast by month",
        "notes": "Notes",
        "reproduce": "Reproducibility",
        "score": "score",
        "probability": "probability",
        "months_from_anchor": "months from anchor",
        "observed": "observed",
        "median": "median",
        "shock": "shock",
        "synthetic": "The data are the package's synthetic demo series, not real scores.",
        "headline": (
            "Baseline: P(score strictly below {t:g} at least once in {first}..{last}) = "
            "{p:.1%} (Monte Carlo s.e. {se:.1%}); median at {last}: {med:.1f} "
            "(80 % interval {lo:.1f} to {hi:.1f}), most likely level: {level}."
        ),
        "scenario": "scenario",
    },
    "zh": {
        "title": "形势展望",
        "window": "展望期",
        "model": "模型",
        "data_to": "数据截至",
        "summary": "摘要",
        "history": "历史分值与六个等级",
        "fan": "展望期预测",
        "crossing": "各情景跌破 {t:g} 的概率",
        "levels": "各月等级概率",
        "analogues": "历史类比",
        "scenarios": "情景比较",
        "forecast_table": "基准预测（按月）",
        "notes": "说明",
        "reproduce": "可重复性",
        "score": "分值",
        "probability": "概率",
        "months_from_anchor": "距锚定月的月数",
        "observed": "观测值",
        "median": "中位数",
        "shock": "冲击",
        "synthetic": "数据为本软件包的合成演示序列，并非真实分值。",
        "headline": (
            "基准情景：{first} 至 {last} 期间分值至少一次低于 {t:g} 的概率为 {p:.1%}"
            "（蒙特卡洛标准误 {se:.1%}）；{last} 中位数 {med:.1f}"
            "（80% 区间 {lo:.1f} 至 {hi:.1f}），最可能等级：{level}。"
        ),
        "scenario": "情景",
    },
}


def labels(lang: str) -> dict[str, str]:
    """Labels for ``lang`` ("en" or "zh")."""
    if lang not in LABELS:
        from relforecast.exceptions import ForecastError

        raise ForecastError(f"lang={lang!r} is not known; use 'en' or 'zh'")
    return LABELS[lang]
