"""Every word of the report and its figures, in English and Chinese.

The report is written only from these tables: headings, column headers, question wording,
legends, axis labels, notes, dyad names as the group writes them (中日关系), shock kinds and
shapes, model names. :data:`LATIN_ALLOWED` lists the Latin words a Chinese report may still
hold (proper names such as ARIMA or Python); the browser test checks the Chinese report
against it and against the English labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from relforecast.data import dyad_key
from relforecast.editorial import (
    AR_LEVEL_NAME,
    ARIMA_NAME,
    CLIMATOLOGY_NAME,
    fmt_month,
    fmt_num,
    fmt_range,
    fmt_span,
    short_model_name,
    tight_template,
)
from relforecast.exceptions import ForecastError

__all__ = [
    "LABELS",
    "LATIN_ALLOWED",
    "dyad_label",
    "figure_dyad",
    "fmt_month",
    "fmt_num",
    "fmt_pct",
    "fmt_pct_se",
    "fmt_range",
    "fmt_span",
    "labels",
    "latin_words",
    "model_label",
]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        # title and meta
        "title": "{dyad}: outlook for {first} to {last}",
        "meta": (
            "As of {as_of} (the last month of data used) · model: {model} · {n_paths} "
            "simulated paths, seed {seed} · created {created}"
        ),
        "synthetic": "The data are the package's synthetic demo series, not real scores.",
        "source_tsinghua": (
            "Data source: monthly scores of China's relations with great powers, database of the "
            "Institute of International Relations, Tsinghua University."
        ),
        "source_unknown": "Data source: not stated.",
        "levels_line": "Scores run from {lo} to {hi} in {n} levels: {levels}.",
        "level_span_open": "{lo} up to {hi}",
        # sections
        "summary": "Summary",
        "recent": "Recent movement",
        "questions": "Questions for the window",
        "figures_history": "History with the {n} levels",
        "figures_history_plain": "History",
        "history_series": "the whole series over the {n} levels",
        "history_series_plain": "the whole series",
        "figures_fan": "Forecast for the window",
        "figures_crossing": "{question}, by scenario",
        "figures_crossing_baseline": "{question}, baseline",
        "figures_levels": "Level probabilities per month (baseline)",
        "figures_analogues": "Historical analogues",
        "caption_history": (
            "Top: {series}, a vertical line at each shock the model takes into account; bottom: "
            "the last 24 months."
        ),
        "caption_history_plain": "Top: {series}; bottom: the last 24 months.",
        "caption_analogues": (
            "Each line is the score around one anchor month (0 on the horizontal axis), to compare "
            "what followed past events with the present; the legend names the anchors."
        ),
        "caption_reliability": (
            "Each point is a group of past forecasts: their mean probability against how often "
            "the event happened, with the number of cases beside it; points on the dotted "
            "diagonal are well calibrated."
        ),
        "figures_reliability": "Reliability of past crossing probabilities",
        "scenarios": "Scenario comparison",
        "levels_end": "Level probabilities at the window's end",
        "forecast_table": "Baseline forecast by month",
        "trust": "How far to trust this",
        "trust_intro": (
            "Three checks: how forecasts of this kind have scored in the past, how much the "
            "answer depends on the model, and which assumptions the scenarios add. The number "
            "after ± in the tables is the Monte Carlo standard error: the probabilities are "
            "counted over simulated paths, and another set of random draws would move them by "
            "about that much. It measures the simulation noise only, none of the three."
        ),
        "track_record": "Track record",
        "model_spread": "Model spread",
        "assumptions": "Scenario assumptions",
        "notes": "Methods and data",
        "reproduce": "Reproducibility",
        # summary sentences
        "observed_so_far": "Observed so far in the window: {values}.",
        "median_sentence": (
            "Median score in {last}: {med}, with an 80 % chance of lying between {lo} and "
            "{hi}; most likely level then: {level} ({p_level})."
        ),
        "median_sentence_plain": (
            "Median score in {last}: {med}, with an 80 % chance of lying between {lo} and {hi}."
        ),
        "headline": "Baseline (no extra shocks): {question} = {p}.",
        "headline_observed": (
            "Baseline: {event} in {month}, so {question} = 100 % (it has happened)."
        ),
        "headline_worse": "Worse still: {question} = {p}.",
        "headline_level_below": "Below {t} means entering the level “{level}”.",
        "headline_level_at_or_above": "At {t} or above means entering the level “{level}”.",
        "headline_level_back": "Back at {t} or above means returning to the level “{level}”.",
        "scenarios_lead": "The same probability in each scenario:",
        "scenario_sentence": "{name}: {p} ({diff} percentage points against the baseline).",
        "pp": "{diff} points",
        # questions
        "q_ever-below": "P(below {t} at least once in the window)",
        "q_ever-at-or-above": "P(back at {t} or above at least once in the window)",
        "q_end-below": "P(below {t} at the window's end, {last})",
        "q_end-below_still": "P(still below {t} at the window's end, {last})",
        "q_end-above": "P(above {t} at the window's end, {last})",
        "q_first-below": "First month below {t} (half of the paths by then)",
        "q_first-at-or-above": "First month back at {t} or above (half of the paths by then)",
        "event_below": "the score was below {t}",
        "event_at_or_above": "the score was at {t} or above",
        "first_none": "after the window for most paths (P in window {p})",
        "first_none_up": "after the window for most paths (P in window {p})",
        "first_month": "{month} (P in window {p})",
        "observed_mark": "observed",
        "question": "Question",
        # tables
        "col_scenario": "Scenario",
        "col_happens": "Assumed chance of its shocks",
        "col_median_end": "Median at end",
        "col_interval_end": "80 % interval at end",
        "col_p": "{question}",
        "col_diff": "Difference to baseline",
        "col_level_end": "Most likely level at end",
        "col_first": "Half the paths crossed by",
        "col_month": "Month",
        "col_median": "Median",
        "col_interval": "80 % interval",
        "col_p_below": "P(below {t})",
        "col_p_crossed": "P(below {t} by then)",
        "col_level": "Most likely level",
        "col_status": "Status",
        "status_observed": "observed",
        "status_forecast": "forecast",
        "baseline": "Baseline",
        "baseline_description": "No extra shocks: the model's forecast from the data.",
        "none": "—",
        "after_window": "after the window",
        # trust: track record
        "tr_computed": (
            "Computed for this report: a rolling-origin backtest of {model} — {n_origins} "
            "origins from {first} to {last} (every {every} months), the model {refit}; no "
            "data after an origin entered its forecast, scored {horizon} months ahead against "
            "what followed; {n_dyads} dyads pooled."
        ),
        "tr_file": (
            "From a backtest table supplied with the report: {model}, {n_origins} origins from "
            "{first} to {last}, {n_dyads} dyads; only rows whose outcome was known by {as_of} "
            "are scored."
        ),
        "tr_record": (
            "From the forecast record (the forecasts kept with --record, scored on what "
            "followed): {model}, {n_origins} origins from {first} to {last}, {n_dyads} dyads; "
            "only forecasts whose outcome was known by {as_of} are scored."
        ),
        "tr_previous": (
            "The backtest of the previous edition, kept: {model}, {n_origins} origins from "
            "{first} to {last}, {n_dyads} dyads; its forecasts are scored again on the data "
            "as they are now (outcomes known by {as_of})."
        ),
        "tr_none": "No track record was computed or supplied (option --track-record).",
        "tr_scope": "Scope",
        "tr_this": "This dyad",
        "tr_pooled": "All {n} dyads pooled",
        "tr_pooled_some": "All {n} dyads pooled ({k} with cases)",
        "tr_cov80": "80 % interval coverage ({h} months ahead)",
        "tr_cov50": "50 % interval coverage ({h} months ahead)",
        "tr_reading": (
            "Read: a calibrated forecast covers the outcome with its 80 % interval in about "
            "80 % of cases and its 50 % interval in about 50 %; in the reliability table the "
            "observed frequency should match the mean forecast probability in every bin with "
            "enough cases."
        ),
        "rel_bin": "Forecast probability",
        "rel_forecast": "Mean forecast",
        "rel_observed": "Observed frequency",
        "rel_cases": "Cases",
        # trust: model spread
        "block_note": (
            "The block bootstrap makes future paths from runs of consecutive past monthly "
            "changes, drawn at random and joined, without assuming a model form."
        ),
        "spread_intro": (
            "The same question asked of each part of the model and of simple reference "
            "models, all fitted on the same data: when they disagree, the answer depends on "
            "the model more than the Monte Carlo error suggests."
        ),
        "col_model": "Model",
        "col_role": "Role",
        "role_model": "the report's model",
        "role_component": "part of the pool",
        "role_baseline": "reference model",
        "spread_in_steps": "{model}, in 0.1 steps",
        "spread_continuous": "{model}, unrounded",
        "spread_range": "Across these models, {question} ranges from {lo} to {hi}.",
        # trust: assumptions
        "assumptions_intro": (
            "Each scenario adds its shocks to every simulated path of the baseline. A "
            "judgmental effect is the analyst's assumption; an estimated one is the mean ± sd "
            "of the model's fitted effects of past shocks of the same kind."
        ),
        "col_description": "Description",
        "col_probability": "Assumed chance",
        "col_shock": "Shock",
        "col_start": "Starts",
        "col_shape": "Shape",
        "col_effect": "Effect (points, mean ± sd)",
        "col_source": "Source",
        "source_judgmental": "judgmental",
        "source_estimated": "estimated from {n} past shocks",
        "no_scenarios": "No scenarios were given.",
        "no_shocks": "no extra shock",
        # notes
        "diagnostics": "Model diagnostics: {text}",
        "model_note": "Model: {model}.",
        "mc_note": (
            "Probabilities are shares of {n_paths} simulated paths, counted on the published "
            "score (rounded to 0.1): a simulated −6.04 is published as −6.0, not below −6."
        ),
        "mc_note_step": (
            "Probabilities are shares of {n_paths} simulated paths, counted on the published "
            "score (rounded to {step})."
        ),
        "mc_note_continuous": "Probabilities are shares of {n_paths} simulated paths.",
        "gap_note": "The data end {as_of}; the months before the window are forecast too.",
        # reproducibility
        "rep_item": "Item",
        "rep_value": "Value",
        "rep_data": "Data",
        "rep_data_value": "{first} to {last}, {months} months",
        "rep_fingerprint": "Data fingerprint (SHA-256)",
        "rep_window": "Window",
        "rep_model": "Model",
        "rep_paths": "Simulated paths",
        "rep_seed": "Seed",
        "rep_font": "Figure font",
        "rep_versions": "Software",
        # figures
        "score": "score",
        "probability": "probability",
        "months_from_anchor": "months from anchor",
        "observed": "observed",
        "median": "median",
        "interval": "{c} % interval",
        "threshold": "threshold {t}",
        "threshold_p": "threshold {t}: P(cross) = {p}",
        "window_span": "window",
        "events_axis": "net event score",
        "events_title": "Events per month (net score)",
        "fan_title": "{dyad}: forecast {first} to {last}",
        "history_title": "{dyad}: {first} to {last}",
        "diagonal": "perfect calibration",
        "default_font": "DejaVu Sans (matplotlib default)",
        "plot_title": "{dyad}, forecast from {first}",
        "plot_title_plain": "Forecast from {first}",
        # the all-partners outlook (relforecast.report.panel_content)
        "panel_title": "China's relations with {n} partners: outlook for {first} to {last}",
        "panel_meta": (
            "As of {as_of} (the last month of data used) · model: {model} · {n_paths} "
            "simulated paths per dyad, seed {seed} · created {created}"
        ),
        "panel_overview": "Overview",
        "col_dyad": "Dyad",
        "col_last": "Score in {as_of}",
        "col_answer": "Probability",
        "panel_fans": "Every dyad's forecast on one scale, {first} to {last}",
        "panel_joint": "Joint questions",
        "panel_joint_intro": (
            "The {n} dyads at or above {t} in {as_of} ({names}): the chance that at least one "
            "of them, or at least two, three ..., go below {t} in the window. With "
            "co-movement, the dyads' simulated paths are paired so that they move together "
            "as in their shared history ({span}, whole months resampled in blocks); "
            "independent, they are paired at random; the product "
            "rule is the exact answer for independent dyads from their own probabilities. "
            "± is the Monte Carlo error."
        ),
        "col_k": "Dyads going below {t}",
        "k_at_least": "{k} or more",
        "col_dependent": "With co-movement",
        "col_independent": "Independent",
        "col_product": "Product rule",
        "panel_joint_rest": "More dyads than in the last row: 0 % in every column.",
        "panel_joint_few": (
            "There is no joint question: fewer than two dyads are at or above {t} in "
            "{as_of} ({names})."
        ),
        "panel_joint_short": (
            "The co-movement could not be estimated: the dyads share fewer than {months} "
            "consecutive months of history. Shown: the dyads paired independently."
        ),
        "panel_reports": "Each dyad's report",
        "panel_reports_intro": (
            "Each dyad has a full report of its own (questions, figures, trust section, "
            "history); the names in the overview link to them."
        ),
        "panel_shocks_note": (
            "Shocks each dyad's model takes into account (leader changes and others, from the "
            "leaders table or shock calendar given with this overview): {counts}. The dyad "
            "reports linked above use the same inputs; a report of a dyad made separately with "
            "other inputs gives other numbers."
        ),
        "panel_no_shocks_note": (
            "No leaders table or shock calendar was given with this overview: no dyad's model "
            "takes leader changes or other shocks into account. A report of a dyad made "
            "separately with them gives other numbers than this table."
        ),
        "panel_pool_note": (
            "The pool's weights are estimated separately for each dyad, from how each member "
            "did in that dyad's own replayed forecasts (forecasts made again from past months "
            "with only the data known then): the same members carry different weights in each "
            "dyad's report, whose methods note lists them."
        ),
        "panel_mc_note": (
            "Each dyad is simulated with {n_paths} paths; probabilities are counted on the "
            "published score (rounded to 0.1)."
        ),
        "panel_mc_note_step": (
            "Each dyad is simulated with {n_paths} paths; probabilities are counted on the "
            "published score (rounded to {step})."
        ),
        "panel_mc_note_continuous": "Each dyad is simulated with {n_paths} paths.",
    },
    "zh": {
        "title": "{dyad}形势展望（{first}至{last}）",
        "meta": (
            "数据截至{as_of} · 模型：{model} · 模拟路径 {n_paths} 条，"
            "随机种子 {seed} · 生成于{created}"
        ),
        "synthetic": "数据来源：本软件包自带的合成演示序列，并非真实分值。",
        "source_tsinghua": (
            "数据来源：清华大学国际关系研究院中外关系数据库，中国与大国关系月度分值。"
        ),
        "source_unknown": "数据来源：未注明。",
        "levels_line": "分值范围为{lo}～{hi}，分为{n}个等级：{levels}。",
        "level_span_open": "{lo}～{hi}（不含{hi}）",
        "summary": "摘要",
        "recent": "近期走势",
        "questions": "展望期关键问题",
        "figures_history": "历史走势与{n}个等级",
        "figures_history_plain": "历史走势",
        "history_series": "全部历史分值与{n}个等级",
        "history_series_plain": "全部历史分值",
        "figures_fan": "展望期预测",
        "figures_crossing": "各情景：{question}",
        "figures_crossing_baseline": "基准情景：{question}",
        "figures_levels": "各月等级概率（基准情景）",
        "figures_analogues": "历史类比",
        "caption_history": (
            "上图：{series}，竖线为模型考虑的冲击；下图：最近24个月的分值。"
        ),
        "caption_history_plain": "上图：{series}；下图：最近24个月的分值。",
        "caption_analogues": (
            "每条线为某一锚定月份（横轴0处）前后的分值走势，用于将以往事件之后的走势与当前对照；"
            "图例标出各锚定月份。"
        ),
        "caption_reliability": (
            "每个点代表一组以往预测：横轴为其平均预测概率，纵轴为事件实际发生的频率，旁边的数字为"
            "个案数；点越接近对角虚线，预测的校准越好。"
        ),
        "figures_reliability": "以往跌破概率预测的可靠性",
        "scenarios": "情景比较",
        "levels_end": "展望期末等级概率",
        "forecast_table": "基准预测（按月）",
        "trust": "可信程度",
        "trust_intro": (
            "以下从三个方面检验本报告的可信程度：此类预测以往的表现、结论对模型选择的依赖程度、"
            "各情景所加的假设。表中“±”后的数字是蒙特卡洛标准误：概率是从大量模拟路径中统计"
            "出来的，换一组随机数，结果大约会有这么大的波动。它只反映模拟本身的误差，"
            "不包括上述三方面的不确定性。"
        ),
        "track_record": "历史表现",
        "model_spread": "模型差异",
        "assumptions": "情景假设",
        "notes": "方法与数据说明",
        "reproduce": "可重复性",
        "observed_so_far": "展望期内已有观测值：{values}。",
        "median_sentence": (
            "预计{last}分值的中位数为{med}，有80%的可能落在{lo}～{hi}之间；"
            "届时最可能处于“{level}”等级（概率{p_level}）。"
        ),
        "median_sentence_plain": "预计{last}分值的中位数为{med}，有80%的可能落在{lo}～{hi}之间。",
        "headline": "在不假设额外冲击的基准情景下，{question}为{p}。",
        "headline_observed": "基准情景：{month}{event}，{question}已成事实（100%）。",
        "headline_worse": "进一步恶化方面，{question}为{p}。",
        "headline_level_below": "低于{t}即进入“{level}”等级。",
        "headline_level_at_or_above": "达到{t}或以上即进入“{level}”等级。",
        "headline_level_back": "回升至{t}或以上即回到“{level}”等级。",
        "scenarios_lead": "在各情景下，这一概率分别为：",
        "scenario_sentence": "{name}：{p}，较基准情景{diff}个百分点。",
        "pp": "{diff} 个百分点",
        "q_ever-below": "展望期内至少一次低于 {t} 的概率",
        "q_ever-at-or-above": "展望期内至少一次回升至 {t} 或以上的概率",
        "q_end-below": "展望期末（{last}）低于 {t} 的概率",
        "q_end-below_still": "展望期末（{last}）仍低于 {t} 的概率",
        "q_end-above": "展望期末（{last}）高于 {t} 的概率",
        "q_first-below": "首次低于 {t} 的月份（半数模拟路径届时已跌破）",
        "q_first-at-or-above": "首次回升至 {t} 或以上的月份（半数模拟路径届时已回升）",
        "event_below": "分值低于 {t}",
        "event_at_or_above": "分值达到 {t} 或以上",
        "first_none": "不足半数模拟路径在展望期内跌破（期内概率 {p}）",
        "first_none_up": "不足半数模拟路径在展望期内回升（期内概率 {p}）",
        "first_month": "{month}（期内概率 {p}）",
        "observed_mark": "已观测",
        "question": "问题",
        "col_scenario": "情景",
        "col_happens": "假设的冲击发生概率",
        "col_median_end": "期末中位数",
        "col_interval_end": "期末 80% 区间",
        "col_p": "{question}",
        "col_diff": "与基准之差",
        "col_level_end": "期末最可能等级",
        "col_first": "半数模拟路径已跌破的月份",
        "col_month": "月份",
        "col_median": "中位数",
        "col_interval": "80% 区间",
        "col_p_below": "低于 {t} 的概率",
        "col_p_crossed": "截至当月曾低于 {t} 的概率",
        "col_level": "最可能等级",
        "col_status": "状态",
        "status_observed": "已观测",
        "status_forecast": "预测",
        "baseline": "基准情景",
        "baseline_description": "不加额外冲击：模型依据数据所作的预测。",
        "none": "—",
        "after_window": "展望期之后",
        "tr_computed": (
            "历史表现是生成本报告时计算的：在{first}至{last}间选取 {n_origins} 个时点"
            "（每 {every} 个月一个，称为“起点”），站在每个起点用{model}做预测，模型{refit}；"
            "每个起点的预测只用"
            "截至该起点的数据，预测其后 {horizon} 个月，再与实际分值比较；结果汇总了 {n_dyads} "
            "组双边关系。"
        ),
        "tr_file": (
            "历史表现取自随报告提供的回测表：{model}，起点为{first}至{last}间的"
            "{n_origins}个月份，{n_dyads}组双边关系；只计入结果在{as_of}之前已知的记录。"
        ),
        "tr_record": (
            "历史表现取自预测记录（以--record保存的以往预测，按其后的实际分值评分）：{model}，"
            "起点为{first}至{last}间的{n_origins}个月份，{n_dyads}组双边关系；只计入结果在"
            "{as_of}之前已知的预测。"
        ),
        "tr_previous": (
            "历史表现沿用上一版的回测结果：{model}，起点为{first}至{last}间的{n_origins}个"
            "月份，{n_dyads}组双边关系；这些预测按现有数据重新评分（计入截至{as_of}已知的结果）。"
        ),
        "tr_none": "未计算也未提供历史表现（选项 --track-record）。",
        "tr_scope": "范围",
        "tr_this": "本双边关系",
        "tr_pooled": "{n} 组双边关系合计",
        "tr_pooled_some": "{n} 组双边关系合计（其中 {k} 组有此类个案）",
        "tr_cov80": "80% 区间覆盖率（提前 {h} 个月）",
        "tr_cov50": "50% 区间覆盖率（提前 {h} 个月）",
        "tr_reading": (
            "读法：校准良好的预测，其 80% 区间约在 80% 的情形中覆盖实际结果，50% 区间约在 "
            "50% 的情形中覆盖；在可靠性表中，个案足够多的各概率区间内，实际频率应与平均预测概率"
            "相符。"
        ),
        "rel_bin": "预测概率区间",
        "rel_forecast": "平均预测概率",
        "rel_observed": "实际频率",
        "rel_cases": "个案数",
        "block_note": (
            "“区块自助法”是指从过去的逐月变动中随机抽取若干段连续的变动，"
            "拼接成未来的路径，不预设模型形式。"
        ),
        "spread_intro": (
            "对组合模型的各个成员和几个简单参照模型（均以相同数据拟合）提出同一问题："
            "各模型的答案分歧越大，说明结论越依赖模型选择，其不确定性也越超出蒙特卡洛误差"
            "所示的范围。"
        ),
        "col_model": "模型",
        "col_role": "角色",
        "role_model": "本报告所用模型",
        "role_component": "组合成员",
        "role_baseline": "参照模型",
        "spread_in_steps": "{model}（按0.1分阶梯取值）",
        "spread_continuous": "{model}（连续取值）",
        "spread_range": "各模型对“{question}”的估计介于 {lo} 与 {hi} 之间。",
        "assumptions_intro": (
            "每个情景把其冲击加到基准情景的每条模拟路径上。主观设定的效应是分析者的假设；"
            "估计的效应是模型对同类历史冲击拟合效应的均值 ± 标准差。"
        ),
        "col_description": "说明",
        "col_probability": "假设的冲击发生概率",
        "col_shock": "冲击",
        "col_start": "开始月份",
        "col_shape": "形态",
        "col_effect": "效应（分，均值 ± 标准差）",
        "col_source": "来源",
        "source_judgmental": "主观设定",
        "source_estimated": "据 {n} 次历史冲击估计",
        "no_scenarios": "未设定情景。",
        "no_shocks": "无额外冲击",
        "diagnostics": "模型诊断：{text}",
        "model_note": "模型：{model}。",
        "mc_note": (
            "概率为 {n_paths} 条模拟路径中的比例，按公布分值（精确到 0.1）计算："
            "模拟值 −6.04 公布为 −6.0，不算低于 −6。"
        ),
        "mc_note_step": "概率为 {n_paths} 条模拟路径中的比例，按公布分值（精确到 {step}）计算。",
        "mc_note_continuous": "概率为 {n_paths} 条模拟路径中的比例。",
        "gap_note": "数据截至{as_of}；展望期开始之前的月份同样为预测值。",
        "rep_item": "项目",
        "rep_value": "取值",
        "rep_data": "数据",
        "rep_data_value": "{first}至{last}，共 {months} 个月",
        "rep_fingerprint": "数据指纹（SHA-256）",
        "rep_window": "展望期",
        "rep_model": "模型",
        "rep_paths": "模拟路径数",
        "rep_seed": "随机种子",
        "rep_font": "图表字体",
        "rep_versions": "软件版本",
        "score": "分值",
        "probability": "概率",
        "months_from_anchor": "距锚定月的月数",
        "observed": "观测值",
        "median": "中位数",
        "interval": "{c}% 区间",
        "threshold": "临界值 {t}",
        "threshold_p": "临界值 {t}（展望期内跌破概率 {p}）",
        "window_span": "展望期",
        "events_axis": "事件净分值",
        "events_title": "每月事件（净分值）",
        "fan_title": "{dyad}预测（{first}至{last}）",
        "history_title": "{dyad}（{first}至{last}）",
        "diagonal": "完全校准",
        "default_font": "DejaVu Sans（matplotlib 默认字体）",
        "plot_title": "{dyad}：{first}起预测",
        "plot_title_plain": "{first}起预测",
        # the all-partners outlook (relforecast.report.panel_content)
        "panel_title": "中国与{n}个国家的关系形势展望（{first}至{last}）",
        "panel_meta": (
            "数据截至{as_of} · 模型：{model} · 每组双边关系模拟路径 "
            "{n_paths} 条，随机种子 {seed} · 生成于{created}"
        ),
        "panel_overview": "总览",
        "col_dyad": "双边关系",
        "col_last": "{as_of}分值",
        "col_answer": "概率",
        "panel_fans": "各双边关系预测（统一纵轴，{first}至{last}）",
        "panel_joint": "联合问题",
        "panel_joint_intro": (
            "{as_of}分值不低于 {t} 的 {n} 组双边关系（{names}）中，至少一组（或至少两组、三组……）在"
            "展望期内跌破 {t} 的概率。“考虑联动”：按各关系共同历史（{span}，"
            "以整月为单位分块重抽样）中的联动方式配对各关系的模拟路径；“相互独立”：随机配对；“乘积法则”：由各关系自身概率算出的"
            "独立情形下的精确值。±后为蒙特卡洛标准误。"
        ),
        "col_k": "跌破 {t} 的关系数",
        "k_at_least": "至少 {k} 组",
        "col_dependent": "考虑联动",
        "col_independent": "相互独立",
        "col_product": "乘积法则",
        "panel_joint_rest": "多于末行关系数的情形，各栏概率均为 0%。",
        "panel_joint_few": "{as_of}分值不低于 {t} 的双边关系不足两组（{names}），故无联合问题。",
        "panel_joint_short": (
            "无法估计联动：各关系共同的连续历史不足 {months} 个月。下表为各关系相互独立配对的结果。"
        ),
        "panel_reports": "各双边关系的报告",
        "panel_reports_intro": (
            "每组双边关系另有一份完整报告（各项问题、图表、可信程度、历史走势），"
            "点击总览表中的关系名称即可打开。"
        ),
        "panel_shocks_note": (
            "各关系的模型所考虑的冲击（领导人更替等，取自随本总览提供的领导人任期表或冲击日历）："
            "{counts}。上文链接的各关系报告使用相同的输入；另行单独生成、输入不同的关系报告，"
            "其数字会与本表不同。"
        ),
        "panel_no_shocks_note": (
            "本总览未提供领导人任期表或冲击日历，各关系的模型均不考虑领导人更替等冲击；"
            "另行单独生成、加入了这些输入的关系报告，其数字会与本表不同。"
        ),
        "panel_pool_note": (
            "组合权重按每组双边关系分别估计：各成员的权重取决于它在该关系自身的回放预测"
            "（站在过去各月、只用当时已有的数据重做的预测）中的表现，因此同样的成员在各关系中"
            "的权重不同，详见各关系报告的“方法与数据说明”。"
        ),
        "panel_mc_note": (
            "每组双边关系模拟 {n_paths} 条路径；概率按公布分值（精确到 0.1）计算。"
        ),
        "panel_mc_note_step": (
            "每组双边关系模拟 {n_paths} 条路径；概率按公布分值（精确到 {step}）计算。"
        ),
        "panel_mc_note_continuous": "每组双边关系模拟 {n_paths} 条路径。",
    },
}

#: Dyad names as the group writes them: (English, Chinese, short English, short Chinese).
DYAD_NAMES: dict[str, tuple[str, str, str, str]] = {
    "japan": ("China–Japan relations", "中日关系", "China–Japan", "中日"),
    "us": ("China–US relations", "中美关系", "China–US", "中美"),
    "russia": ("China–Russia relations", "中俄关系", "China–Russia", "中俄"),
    "uk": ("China–UK relations", "中英关系", "China–UK", "中英"),
    "france": ("China–France relations", "中法关系", "China–France", "中法"),
    "india": ("China–India relations", "中印关系", "China–India", "中印"),
    "germany": ("China–Germany relations", "中德关系", "China–Germany", "中德"),
    "demo (synthetic)": ("Demo series (synthetic)", "演示序列（合成数据）", "Demo", "演示序列"),
}

SHOCK_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "leader_change": "leader change",
        "tariff": "tariff shock",
        "election": "election",
        "custom": "other shock",
    },
    "zh": {
        "leader_change": "领导人更替",
        "tariff": "关税冲击",
        "election": "选举",
        "custom": "其他冲击",
    },
}
SHOCK_SHAPES: dict[str, dict[str, str]] = {
    "en": {
        "pulse": "one month",
        "step": "permanent",
        "decay": "fading ({rate:.0%} kept each month)",
        "ramp": "building up over {length} months",
    },
    "zh": {
        "pulse": "仅持续一个月",
        "step": "永久持续",
        "decay": "逐月衰减（每月保留 {rate:.0%}）",
        "ramp": "{length} 个月内逐步形成",
    },
}

#: Latin words (runs of letters) a Chinese report may hold: proper names of methods,
#: software and fonts, the option it names (no file names: see relforecast.editorial).
LATIN_ALLOWED: frozenset[str] = frozenset(
    {
        "ARIMA",
        "SHA",
        "relforecast",
        "Python",
        "NumPy",
        "pandas",
        "SciPy",
        "statsmodels",
        "matplotlib",
        "python",
        "docx",
        "track",
        "record",
        "DejaVu",
        "Sans",
        "Noto",
        "CJK",
        "SC",
        "Source",
        "Han",
        "WenQuanYi",
        "Zen",
        "Micro",
        "Hei",
    }
)


def latin_words(text: str) -> set[str]:
    """The runs of Latin letters in ``text`` (hexadecimal fingerprints left out)."""
    return set(re.findall(r"[A-Za-z]+", re.sub(r"\b[0-9a-f]{16,}\b", "", text)))


def labels(lang: str) -> dict[str, str]:
    """Labels for ``lang`` ("en" or "zh")."""
    if lang not in LABELS:
        raise ForecastError(f"lang={lang!r} is not known; use 'en' or 'zh'")
    return LABELS[lang]


def dyad_label(name: object, lang: str = "en", short: bool = False) -> str:
    """The dyad as the group writes it: "China–Japan relations" / "中日关系" (``short``:
    "China–Japan" / "中日"). Unknown dyads: "China–<name>" and "中国—<name>"."""
    entry = DYAD_NAMES.get(dyad_key(str(name)))
    if entry is None:
        en = f"China–{name}"
        entry = (f"{en} relations", f"中国—{name}关系", en, f"中国—{name}")
    index = (2 if short else 0) + (1 if lang == "zh" else 0)
    return entry[index]


def figure_dyad(name: object, lang: str = "en") -> str:
    """The dyad in a figure title: "China–Japan" / "中日关系" (the Chinese short form "中日"
    does not stand alone in a title)."""
    return dyad_label(name, lang, short=lang != "zh")


def fmt_threshold(value: float) -> str:
    """A threshold without trailing zeros, with a true minus sign: ``−6``."""
    return f"{value:g}".replace("-", "−")


def fmt_pct(p: float, digits: int = 1) -> str:
    """``16.6%``.

    One precision per kind of figure across a report: a probability the forecast gives (an
    answer, a level probability, a month's chance) always at one decimal, wherever it is
    shown; whole percent only for figures of another kind — a scenario's assumed probability
    and the track record's shares of past cases (coverage, observed frequencies).

    A probability strictly between 0 and 1 never reads as a certainty: one that rounds to 0
    or 100 at ``digits`` shows as ``<0.1%`` or ``>99.9%``."""
    text = f"{100 * p:.{digits}f}"
    last = 10.0**-digits  # the last digit shown, in percent
    if 0 < p and float(text) == 0:
        return f"<{last:.{digits}f}%"
    if p < 1 and float(text) == 100:
        return f">{100 - last:.{digits}f}%"
    return f"{text}%"


def fmt_pct_se(p: float, se: float) -> str:
    """``16.6% ± 0.4%``; a settled answer (se 0 and p 0 or 1) shows no error, an error that
    rounds to 0.0 % shows as ``± <0.1%``."""
    if se == 0 and p in (0.0, 1.0):
        return fmt_pct(p)
    if round(100 * se, 1) == 0:  # an error below the last digit shown: not "± 0.0%"
        return f"{fmt_pct(p)} ± <0.1%"
    return f"{fmt_pct(p)} ± {fmt_pct(se)}"


def fmt_diff(d: float, se: float, lang: str = "en") -> str:
    """A signed difference of probabilities with its error: ``+19.0 ± 0.4`` (Chinese in a
    sentence: ``高 19.0 ± 0.4`` / ``低 3.0 ± 0.4``, to be followed by 个百分点)."""
    err = "<0.1" if round(100 * se, 1) == 0 else f"{100 * se:.1f}"  # never "± 0.0"
    if lang == "zh":
        return f"{'高' if d >= 0 else '低'} {100 * abs(d):.1f} ± {err}"
    sign = "+" if d >= 0 else "−"
    return f"{sign}{100 * abs(d):.1f} ± {err}"


_MS = re.compile(r"MS\((\d+)\)(?:-AR\((\d+)\))?-(diff|level)(?:-momentum\((\d+)\))?")
_BLOCK = re.compile(r"block-bootstrap\(([\d.]+)(?:, (\d+) months)?(, centred)?\)")
_IN_STEPS = " in steps"  # relforecast.models.sticky: published in 0.1 steps


def _component_label(name: str, lang: str) -> str:
    zh = lang == "zh"
    if name.endswith(_IN_STEPS):
        inner = _component_label(name[: -len(_IN_STEPS)], lang)
        return f"{inner}（按 0.1 分阶梯公布）" if zh else f"{inner} in 0.1 steps"
    if m := ARIMA_NAME.fullmatch(name):
        base = f"ARIMA({m.group(1)},{m.group(2)},{m.group(3)})"
        if m.group(4):
            base += "（含漂移项）" if zh else " with drift"
        if m.group(5):  # relforecast.models.arima: innovations="bootstrap"
            base += "（新息取自自身误差的重抽样）" if zh else " with resampled innovations"
        return base
    if m := _MS.fullmatch(name):
        k, ar, form, momentum = m.groups()
        if zh:
            parts = ["差分形式" if form == "diff" else "水平形式"]
            if ar:
                parts.append(f"{ar} 阶自回归")
            if momentum:
                parts.append(f"含 {momentum} 个月动量项")
            count = {"2": "两", "3": "三"}.get(k, k)
            return f"{count}状态马尔可夫转换模型（{'，'.join(parts)}）"
        parts = ["monthly changes" if form == "diff" else "levels"]
        if ar:
            parts.append(f"AR({ar})")
        if momentum:
            parts.append(f"{momentum}-month momentum")
        return f"{k}-regime switching model ({', '.join(parts)})"
    if m := _BLOCK.fullmatch(name):
        block, window, centred = m.groups()
        if zh:
            recent = f"，取最近 {window} 个月" if window else ""
            return f"区块自助法（平均区块 {block} 个月{recent}{'，去均值' if centred else ''}）"
        recent = f", last {window} months" if window else ""
        return f"block bootstrap ({block}-month blocks{recent}{', centred' if centred else ''})"
    if m := AR_LEVEL_NAME.fullmatch(name):
        window = m.group(1)
        if zh:
            return f"一阶自回归模型（向最近 {window} 个月的均值回归）"
        return f"AR(1) reverting to the mean of the last {window} months"
    if m := CLIMATOLOGY_NAME.fullmatch(name):
        window = m.group(1)
        if zh:
            return f"近期经验分布（最近 {window} 个月的分值）"
        return f"climatology (the scores of the last {window} months)"
    if name == "RW-gauss":
        return "高斯随机游走" if zh else "Gaussian random walk"
    if name == "RW-boot":
        return "自助随机游走" if zh else "bootstrap random walk"
    return name


def _steps_clause(names: Sequence[str], lang: str) -> str:
    """Which members move in the published 0.1 steps, said once for the whole pool."""
    stepped = [short_model_name(n, lang) for n in names if n.endswith(_IN_STEPS)]
    if not stepped:
        return ""
    if lang == "zh":  # a sentence of its own after the list of members
        listed = stepped[0] if len(stepped) == 1 else f"{'、'.join(stepped[:-1])}和{stepped[-1]}"
        return f"。其中{listed}的模拟路径与公布分值一样按0.1分阶梯变化"
    stepped = [n if n.startswith("ARIMA") else f"the {n}" for n in stepped]
    listed = stepped[0] if len(stepped) == 1 else f"{', '.join(stepped[:-1])} and {stepped[-1]}"
    return f"; the simulated paths of {listed} move in the published 0.1 steps"


def model_label(name: str, lang: str = "en", weights: Sequence[float] | None = None) -> str:
    """A model's full description for readers, in ``"en"`` or ``"zh"``; names it does not
    know unchanged. The text of a report uses the short name
    (:func:`relforecast.editorial.short_model_name`) and this once, in its methods note.

    ``auto[ARIMA(1,1,1) + MS(2)-diff]`` becomes "pool of ARIMA(1,1,1), the 2-regime switching
    model (...)". With the pool's ``weights`` (one per member, in order) the label says how the
    members were weighted: equal weights as an "equal-weight pool", learned ones member by
    member ("ARIMA(1,1,1) 0.72, ..."). Members published in 0.1 steps are named once at the
    end, not member by member.
    """
    if not (name.startswith("auto[") and name.endswith("]")):
        return _component_label(name, lang)
    names = [p.strip() for p in name[5:-1].split(" + ")]
    parts = [_component_label(n.removesuffix(_IN_STEPS), lang) for n in names]
    steps = _steps_clause(names, lang)
    # Chinese: the members listed after a colon, not in parentheses (a member's own details
    # are in parentheses already), the 0.1 steps in a sentence of their own
    if weights is None or len(weights) != len(parts):
        if lang == "zh":
            return f"组合模型，成员为：{'；'.join(parts)}{steps}"
        return "pool of " + ", ".join(parts) + steps
    if max(weights) - min(weights) < 1e-9:
        if lang == "zh":
            return f"等权组合模型，成员为：{'；'.join(parts)}{steps}"
        return "equal-weight pool of " + ", ".join(parts) + steps
    if lang == "zh":
        members = "；".join(f"{p}，权重{w:.2f}" for p, w in zip(parts, weights, strict=True))
        lead = (  # the term explained where a report first uses it
            "按各成员在本序列近期回放预测（站在过去各月、只用当时已有的数据重做的预测）中的表现"
            "加权的组合模型，各成员为："
        )
        return f"{lead}{members}{steps}"
    members = "; ".join(f"{p}, weight {w:.2f}" for p, w in zip(parts, weights, strict=True))
    return (
        "pool weighted by each member's skill in replayed forecasts on this series (forecasts "
        f"made again from past months with only the data known then) ({members}{steps})"
    )


def shock_kind(kind: str, lang: str = "en") -> str:
    """A shock kind in words."""
    return SHOCK_KINDS[lang if lang in SHOCK_KINDS else "en"].get(kind, kind)


def shock_label(shock: Any, lang: str) -> str:
    """A shock's name in a figure or sentence: its label (with its month); in Chinese its
    month and Chinese name ("2001年4月小泉纯一郎就任"), else its month and kind
    ("2001年4月领导人更替")."""
    if lang == "zh":
        # the date first, as Chinese writes it
        name = getattr(shock, "name_zh", None) or shock_kind(shock.kind, "zh")
        return f"{fmt_month(shock.start, 'zh')}{name}"
    return shock.label if str(shock.start) in shock.label else f"{shock.label} ({shock.start})"


def shock_shape(
    shape: str, lang: str = "en", rate: float | None = None, length: int | None = None
) -> str:
    """A shock shape in words (with its rate or length)."""
    table = SHOCK_SHAPES[lang if lang in SHOCK_SHAPES else "en"]
    return table.get(shape, shape).format(rate=rate or 0.0, length=length or 0)


# ---------------------------------------------------------------------------------------------
# The trust verdict (relforecast.report.verdict), the questions for every state of a dyad
# (relforecast.questions.default_questions) and the overview's question per partner
# (relforecast.report.panel_content).
LABELS["en"].update(
    {
        "q_end-at-or-above": "P(at {t} or above at the window's end, {last})",
        "q_ever-at-or-above_reach": "P(at {t} or above at least once in the window)",
        "col_p_back_by": "P(back at {t} or above by then)",
        "col_p_reached_by": "P(at {t} or above by then)",
        "col_p_at_or_above": "P(at {t} or above)",
        "tv_q_cross": "P(below {t} within {h} months)",
        "tv_q_back_above": "P(back at {t} or above within {h} months)",
        "tv_scope_pooled": "of the {n} dyads",
        "tv_scope_dyad": "of this dyad",
        "tv_this_dyad": "This dyad",
        "tv_scope_pooled_some": "of the {n} dyads ({k} of them with cases)",
        "tv_coverage": (
            "80 % intervals held the outcome in {share} of {n} past forecasts "
            "{scope} (origins {first} to {last}; 95 % interval {range}): {grade}."
        ),
        "tv_coverage_dyad": (
            " {dyad} alone: {hits} of {n} ({share}, 95 % interval {range}): {grade}."
        ),
        "tv_cov_too_narrow": (
            "too narrow — the outcome fell outside them more often than one time in five, so "
            "the ranges of this report are likely narrower than the real uncertainty"
        ),
        "tv_cov_too_wide": (
            "too wide — the ranges of this report are likely more cautious than needed"
        ),
        "tv_cov_well_calibrated": "consistent with the nominal 80 %",
        "tv_cov_too_little": "too few past forecasts to say whether the intervals are right",
        "tv_prob": (
            "{question}, past cases {scope}: it happened in {events} of {cases} ({observed}, "
            "95 % interval {range}) against a mean forecast of {forecast}; Brier score {brier} "
            "(the mean squared gap between each forecast probability and what happened, "
            "counted 1 or 0: 0 is perfect, 0.25 what always saying 50 % scores): {grade}."
        ),
        "tv_prob_none": "{question}: the backtest has no past case of this question to score.",
        "sum_trust_too_narrow": (
            "A caution: in past forecasts of this kind the 80 % ranges held what happened "
            "only {share} of the time, so the ranges of this report are probably too narrow "
            "and the future more uncertain than they show (see “How far to trust this”)."
        ),
        "sum_trust_too_wide": (
            "In past forecasts of this kind the 80 % ranges held what happened {share} of the "
            "time: the ranges of this report are probably wider than they need to be."
        ),
        "sum_trust_well_calibrated": (
            "In past forecasts of this kind the 80 % ranges held what happened {share} of the "
            "time, about as often as they should."
        ),
        "sum_trust_too_little": (
            "Too few past forecasts of this kind exist to check how reliable the ranges of "
            "this report are."
        ),
        "sum_trust_prob_too_high": (
            " The chances given for the headline question were too high in the past."
        ),
        "sum_trust_prob_too_low": (
            " The chances given for the headline question were too low in the past."
        ),
        "tv_prob_in_line": "the probabilities were in line with what happened",
        "tv_prob_too_high": "the probabilities were too high",
        "tv_prob_too_low": "the probabilities were too low",
        "tv_prob_too_little": "too few cases to judge the probabilities",
        "tv_heading_coverage": "Interval coverage",
        "tv_heading_questions": "Probabilities, one question at a time",
        "tv_period": "Period",
        "tv_period_all_short": "all origins",
        "tv_period_recent_short": "from {first}",
        "tv_forecasts": "Forecasts",
        "tv_held50": "50 % interval held",
        "tv_verdict": "Verdict",
        "tv_cases": "Cases",
        "tv_events": "Happened",
        "tv_observed": "Observed frequency (95 % interval)",
        "tv_brier": "Brier score",
        "tv_grade_too_narrow": "too narrow",
        "tv_grade_too_wide": "too wide",
        "tv_grade_well_calibrated": "well calibrated",
        "tv_grade_too_little": "too little evidence",
        "tv_grade_in_line": "in line",
        "tv_grade_too_high": "too high",
        "tv_grade_too_low": "too low",
        "tv_rule": (
            "The verdict: the intervals are too narrow when the whole 95 % interval of the "
            "share they held lies below 80 %, too wide when it lies above — with few cases "
            "too, as the 95 % interval is then wide already — and well calibrated when it "
            "contains 80 % and rests on at least {min} cases (with fewer, there is too little "
            "evidence to say). A question's probabilities are too high (too low) when their "
            "mean lies above (below) the 95 % interval of the observed frequency, and in line "
            "when it lies inside and rests on at least {min} cases. Each threshold is scored "
            "on its own."
        ),
        "tv_reliability_of": "Reliability of {question}",
        "tr_refit_all": "estimated anew at every origin",
        "tr_refit_some": (
            "estimated at {estimated} only, its estimates applied at the other origins to the "
            "data up to each (the filter runs through the new months, nothing is re-estimated)"
        ),
        # the overview: the question that matters per partner
        "pq_question": "Question that matters",
        "pq_change": "Change since {previous}",
        "pq_change_edition": "Change since the previous edition",
        "pq_change_none": (
            "No previous edition was given, so no change is shown; an update of the overview "
            "compares with the edition before it."
        ),
        "pq_change_other": "not asked in the previous edition",
        "pq_why_cross": "near {t}",
        "pq_why_worse": "into “{level}”",
        "pq_why_better": "into “{level}”",
        "pq_why_worse_plain": "the level below",
        "pq_why_better_plain": "the level above",
        "pq_why_recover": "now below {t}",
        "pq_intro": (
            "One row a dyad, with the question that matters for it in the window: for a dyad "
            "below {t}, whether it comes back to {t} or above; for any other, whether it "
            "leaves its level across the boundary nearest its score in {as_of} ({t} is one "
            "of them) — falling below the lower one or reaching the upper one. The change is "
            "against the previous edition's answer to the same question. The median, the "
            "80 % interval and the most likely level are those of the window's last month, "
            "{last}. Each dyad's name links to its own report, whose numbers these are."
        ),
        "pq_intro_plain": (
            "One row a dyad, with the question that matters for it in the window: for a dyad "
            "below {t}, whether it comes back to {t} or above; for any other, whether it falls "
            "below {t}. The change is against the previous edition's answer to the same "
            "question. The median and the 80 % interval are those of the window's last month, "
            "{last}. Each dyad's name links to its own report, whose numbers these are."
        ),
        "pq_joint_one": (
            "There is no joint question to add: of the dyads at or above {t} in {as_of}, only "
            "{name} has a chance of going below {t} in the window ({p}); the others have none "
            "in the simulated paths."
        ),
        "pq_joint_none": (
            "There is no joint question to add: none of the dyads at or above {t} in {as_of} "
            "goes below {t} in any simulated path of the window."
        ),
    }
)
# the "changes since the edition of ..." section of an edition (relforecast.report.changes)
LABELS["en"].update(
    {
        "changes": "Changes since the edition of {month}",
        "changes_intro": (
            "The previous edition was as of {before}; this one is as of {now}. Newly observed: "
            "{months}."
        ),
        "changes_headline": (
            "{question}, baseline: {then} in the edition of {before}, {now} now, a change of "
            "{change} points: {data} from the new months (the previous edition's model, its "
            "estimates held fixed, applied to the data to {as_of}) and {reest} from "
            "re-estimating the model on them{revisions}."
        ),
        "changes_revisions": (
            ", and {rev} from revised scores of months the previous edition had already seen"
        ),
        "changes_caption": (
            "{question}: each edition's answer (± Monte Carlo error) and the change, split "
            "into its parts, in percentage points (the parts add up to the change)."
        ),
        "panel_changes_intro": (
            "The previous edition was as of {before}; this one is as of {now}. Per dyad: its "
            "score in each edition's as-of month and the answer to its key question then and "
            "now (± Monte Carlo error); a dyad whose key question changed since is marked. "
            "The split of each change into new data and re-estimation is in the dyad's own "
            "report."
        ),
        "changes_col_scenario": "Scenario",
        "changes_col_then": "Then",
        "changes_col_now": "Now",
        "changes_col_change": "Change",
        "changes_col_data": "New data",
        "changes_col_reest": "Re-estimation",
        "changes_col_rev": "Revisions",
        "changes_dropped": (
            "Scenario “{scenario}”: its {kind} was to start in {start}, which is no longer after "
            "the as-of month; it is dropped."
        ),
        "changes_moved": (
            "Scenario “{scenario}”: its {kind} was to start in {start}, which is no longer after "
            "the as-of month; as its scenario file asks, it is kept and now starts in {to}."
        ),
        "changes_scenario_dropped": (
            "Scenario “{scenario}” is left out: none of its shocks starts after {as_of} any more."
        ),
    }
)
LABELS["zh"].update(
    {
        "q_end-at-or-above": "展望期末（{last}）达到 {t} 或以上的概率",
        "q_ever-at-or-above_reach": "展望期内至少一次达到 {t} 或以上的概率",
        "col_p_back_by": "截至当月曾回升至 {t} 或以上的概率",
        "col_p_reached_by": "截至当月曾达到 {t} 或以上的概率",
        "col_p_at_or_above": "达到 {t} 或以上的概率",
        "tv_q_cross": "{h} 个月内低于 {t} 的概率",
        "tv_q_back_above": "{h} 个月内回升至 {t} 或以上的概率",
        "tv_scope_pooled": "{n} 组双边关系",
        "tv_scope_dyad": "该双边关系",
        "tv_this_dyad": "本报告所涉双边关系",
        "tv_scope_pooled_some": "{n}组双边关系（其中仅{k}组有此类个案）",
        "tv_coverage": (
            "{scope}在{first}至{last}各起点的{n}次预测中，80%区间覆盖实际结果的"
            "比例为{share}（95%置信区间{range}）：{grade}。"
        ),
        "tv_coverage_dyad": (
            "仅看{dyad}：{n}次预测中有{hits}次覆盖实际结果（{share}，95%置信区间"
            "{range}），结论为“{grade}”。"
        ),
        "tv_cov_too_narrow": (
            "区间偏窄——实际结果落在区间之外的次数多于五分之一，本报告所示区间很可能窄于真实的不确定性"
        ),
        "tv_cov_too_wide": "区间偏宽——本报告所示区间很可能比所需更为保守",
        "tv_cov_well_calibrated": "与名义上的 80% 相符",
        "tv_cov_too_little": "以往预测太少，无法判断区间是否合适",
        "tv_prob": (
            "{question}：{scope}以往{cases}个个案中发生{events}次（{observed}，95%置信区间"
            "{range}），平均预测概率为{forecast}；布里尔分数为{brier}（即每次预测概率与实际结果"
            "——发生记为1，未发生记为0——之差的平方的平均值，0为完美，一律预测50%得0.25）："
            "{grade}。"
        ),
        "tv_prob_none": "{question}：以往回测中没有这一问题的个案可供评分。",
        "sum_trust_too_narrow": (
            "需要注意：以往同类预测的80%区间只在{share}的情况下覆盖了实际结果，"
            "说明本报告给出的区间可能偏窄，实际的不确定性比区间所示更大（详见“可信程度”一节）。"
        ),
        "sum_trust_too_wide": (
            "以往同类预测的80%区间在{share}的情况下覆盖了实际结果，本报告给出的区间可能偏于保守。"
        ),
        "sum_trust_well_calibrated": (
            "以往同类预测的80%区间在{share}的情况下覆盖了实际结果，与80%的设计大体相符。"
        ),
        "sum_trust_too_little": "以往同类预测太少，尚无法检验本报告区间的可靠程度。",
        "sum_trust_prob_too_high": "以往对同一问题给出的概率总体偏高。",
        "sum_trust_prob_too_low": "以往对同一问题给出的概率总体偏低。",
        "tv_prob_in_line": "预测概率与实际情况相符",
        "tv_prob_too_high": "预测概率偏高",
        "tv_prob_too_low": "预测概率偏低",
        "tv_prob_too_little": "个案太少，无法判断预测概率",
        "tv_heading_coverage": "区间覆盖率",
        "tv_heading_questions": "各问题的概率（逐一评分）",
        "tv_period": "时期",
        "tv_period_all_short": "全部起点",
        "tv_period_recent_short": "{first}起",
        "tv_forecasts": "预测次数",
        "tv_held50": "50% 区间覆盖率",
        "tv_verdict": "结论",
        "tv_cases": "个案数",
        "tv_events": "发生次数",
        "tv_observed": "实际频率（95% 置信区间）",
        "tv_brier": "布里尔分数",
        "tv_grade_too_narrow": "偏窄",
        "tv_grade_too_wide": "偏宽",
        "tv_grade_well_calibrated": "校准良好",
        "tv_grade_too_little": "证据不足",
        "tv_grade_in_line": "相符",
        "tv_grade_too_high": "偏高",
        "tv_grade_too_low": "偏低",
        "tv_rule": (
            "结论规则：若区间覆盖率的95%置信区间整体低于80%，则区间偏窄，整体高于80%则偏宽——"
            "个案少时同样适用，因为此时置信区间本身已经很宽；若置信区间包含80%，个案不少于{min}个"
            "时判为校准良好，少于{min}个时证据不足，不下结论。某一问题的平均预测概率高于（低于）"
            "实际频率的95%置信区间时，预测概率偏高（偏低）；落在区间内且个案不少于{min}个时，"
            "判为相符。每个临界值单独评分。"
        ),
        "tv_reliability_of": "{question}的可靠性",
        "tr_refit_all": "在每个起点重新估计",
        "tr_refit_some": (
            "仅在{estimated}估计参数，其余起点沿用这些参数，不重新估计"
        ),
        "pq_question": "关键问题",
        "pq_change": "较{previous}的变化",
        "pq_change_edition": "较上一版的变化",
        "pq_change_none": ("未提供上一版总览，故不显示变化；更新总览时将与上一版比较。"),
        "pq_change_other": "上一版未问此问题",
        "pq_why_cross": "接近{t}",
        "pq_why_worse": "跌入“{level}”等级",
        "pq_why_better": "升入“{level}”等级",
        "pq_why_worse_plain": "跌入下一等级",
        "pq_why_better_plain": "升入上一等级",
        "pq_why_recover": "目前低于{t}",
        "pq_intro": (
            "每行一组双边关系，列出展望期内对该关系最关键的问题：已低于 {t} 的，问能否回到 {t} "
            "或以上；其余的，问是否越过距其{as_of}分值最近的等级边界（{t} 是其中一条边界）离开当前"
            "等级——跌破下边界或达到上边界。变化为本版与上一版对同一问题回答的差值。"
            "中位数、80% 区间和最可能等级均为展望期最后一个月（{last}）的数值。"
            "点击关系名称可打开该关系的报告，表中数字即出自该报告。"
        ),
        "pq_intro_plain": (
            "每行一组双边关系，列出展望期内对该关系最关键的问题：已低于 {t} 的，问能否回到 {t} "
            "或以上；其余的，问是否跌破 {t}。变化为本版与上一版对同一问题回答的差值。"
            "中位数和80% 区间均为展望期最后一个月（{last}）的数值。"
            "点击关系名称可打开该关系的报告，表中数字即出自该报告。"
        ),
        "pq_joint_one": (
            "不必计算联合概率：{as_of}分值不低于 {t} 的双边关系中，只有{name}在展望期内有跌破 {t} "
            "的可能（{p}），其余关系的模拟路径均未跌破。"
        ),
        "pq_joint_none": (
            "不必计算联合概率：{as_of}分值不低于 {t} 的双边关系在展望期内的模拟路径均未跌破 {t}。"
        ),
    }
)
LABELS["zh"].update(
    {
        "changes": "自{month}版以来的变化",
        "changes_intro": "上一版截至{before}，本版截至{now}。新增观测月份：{months}。",
        "changes_headline": (
            "{question}（基准情景）：{before}版为{then}，本版为{now}，变化{change}个百分点；"
            "其中新增月份带来{data}个百分点（沿用上一版的模型参数，只加入截至{as_of}的数据），"
            "重新估计模型带来{reest}个百分点{revisions}。"
        ),
        "changes_revisions": "，上一版已用月份的分值修订带来{rev}个百分点",
        "changes_caption": (
            "{question}：两版的答案（±后为蒙特卡洛标准误）及其变化的分解，单位为百分点"
            "（各部分之和等于变化）。"
        ),
        "panel_changes_intro": (
            "上一版截至{before}，本版截至{now}。下表列出各双边关系在两版截至月份的分值，"
            "以及其关键问题在两版中的答案（±后为蒙特卡洛标准误）；关键问题已改变的关系另加注明。"
            "每项变化中新增数据与重新估计各占多少，见该关系的报告。"
        ),
        "changes_col_scenario": "情景",
        "changes_col_then": "上一版",
        "changes_col_now": "本版",
        "changes_col_change": "变化",
        "changes_col_data": "新增数据",
        "changes_col_reest": "重新估计",
        "changes_col_rev": "数据修订",
        "changes_dropped": (
            "情景“{scenario}”：其{kind}原定于{start}开始，该月已不在截至月份之后，故删去。"
        ),
        "changes_moved": (
            "情景“{scenario}”：其{kind}原定于{start}开始，该月已不在截至月份之后；"
            "按情景文件的设定予以保留，改为{to}开始。"
        ),
        "changes_scenario_dropped": "情景“{scenario}”不再列入：其冲击均不在{as_of}之后。",
    }
)

# the index of a series of editions (relforecast.report.edition_index)
LABELS["en"].update(
    {
        "index_title": "Editions of the outlook",
        "index_intro": (
            "Every edition with its headline question and answers; once the data cover an "
            "edition's whole window, whether the event happened and the Brier score of the "
            "baseline's answer (0 is perfect, 0.25 is a 50 % guess)."
        ),
        "index_caption": "Answers ± Monte Carlo error; scored with the data of the last update.",
        "index_col_as_of": "As of",
        "index_col_dyad": "Dyad",
        "index_col_window": "Window",
        "index_col_question": "Headline question",
        "index_col_answers": "Answers",
        "index_col_happened": "Happened?",
        "index_col_brier": "Brier",
        "index_open": "window not over",
        "index_yes": "yes",
        "index_no": "no",
        "index_mean_brier": "Mean Brier score of the {n} scored edition(s): {brier}.",
    }
)
LABELS["zh"].update(
    {
        "index_title": "展望各版一览",
        "index_intro": (
            "各版的核心问题及其答案；数据覆盖整个展望期后，列出事件是否发生及基准情景答案的"
            "布里尔分数（0 为完美，0.25 相当于五五开的猜测）。"
        ),
        "index_caption": "答案±后为蒙特卡洛标准误；按最近一次更新时的数据评分。",
        "index_col_as_of": "截至",
        "index_col_dyad": "双边关系",
        "index_col_window": "展望期",
        "index_col_question": "核心问题",
        "index_col_answers": "答案",
        "index_col_happened": "是否发生",
        "index_col_brier": "布里尔分数",
        "index_open": "展望期未结束",
        "index_yes": "是",
        "index_no": "否",
        "index_mean_brier": "已评分的 {n} 版的平均布里尔分数：{brier}。",
    }
)


# the house spacing of Chinese (relforecast.editorial): applied once to every template
for _table in (LABELS["zh"], SHOCK_KINDS["zh"], SHOCK_SHAPES["zh"]):
    for _key, _value in _table.items():
        _table[_key] = tight_template(_value)
