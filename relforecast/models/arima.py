"""Regression with ARIMA errors on the shock dummies, fitted on the bounded transform.

The score ``y`` is mapped to ``z = Scale.to_unbounded(y)``; the model is

    z_t = x_t' beta + u_t,    u_t ~ ARIMA(p, d, q) [+ drift when d = 1]

estimated by exact Gaussian maximum likelihood (statsmodels ``SARIMAX``). Forecast paths are
simulated in ``z`` from the end of the sample (``simulate(anchor="end")``, future dummies from
the calendar) and mapped back with ``Scale.from_unbounded``: they stay inside the bounds by
construction, with no clipping. With ``innovations="bootstrap"`` the paths' month-by-month
innovations are drawn from the fit's own standardised one-step forecast errors instead of the
Gaussian (a residual bootstrap): the spread of each month is the same, the shape is that of the
errors. A score that holds still for months and then jumps has errors with a high peak at zero
and heavy tails; Gaussian paths with the same spread move a little every month, and their
lowest month reaches a level a few steps below the last one more often than the score does.

Automatic order (``order="auto"``)
----------------------------------
1. ``d``: KPSS level-stationarity test on ``z`` at 5 % (reject -> ``d = 1``), as in
   Hyndman & Khandakar's auto.arima.
2. Shock effects are estimated once by least squares on the ``d``-th differences of ``z`` and
   the dummies, and the search runs on the errors ``u = z - X beta`` (no regressors, so each
   candidate fit is fast even with dozens of shocks).
3. ``p`` in 0..``max_p`` and ``q`` in 0..``max_q`` (default 0..2 each): every pair is fitted to
   ``u`` with a constant (``d = 0``) or without drift (``d = 1``); the smallest AICc wins. With
   ``d = 1`` and ``drift`` allowed, drift is added to the winner and kept if it lowers AICc
   further. On a bounded scale drift is not tried by default: a score confined to its bounds
   has no deterministic trend, and a drift estimated on 20 years and carried a year ahead is a
   bias. Measured on the thinned evaluation protocol (833 dyad-origins): ARIMA(1,1,1) without
   drift CRPS@12 0.380, ARIMA(1,1,0) 0.392 vs with drift 0.403, ARIMA(0,1,0) with drift 0.411.
4. The chosen order is refitted jointly (shock effects and ARIMA parameters by exact maximum
   likelihood). Without shocks, step 4 reuses the winning fit of step 3.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from statsmodels.tsa.statespace.mlemodel import MLEResults
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.stattools import kpss

from relforecast._blas import one_blas_thread
from relforecast._memory import check_request
from relforecast._typing import as_number
from relforecast.data import MIN_MONTHS
from relforecast.exceptions import FitError, SpecError
from relforecast.models.base import (
    LikelihoodResult,
    PathSimulator,
    capture_warnings,
    check_whole,
    clean_design,
    prepare_series,
    refuse_constant,
    shock_effect_table,
    sqrt_psd,
)
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.shocks import ShockCalendar, as_calendar

__all__ = ["ARIMA", "ARIMAResult"]

# statsmodels renamed simulate(random_state=) to simulate(rng=) after 0.14.
_SIM_RNG_KW = (
    "rng" if "rng" in inspect.signature(MLEResults.simulate).parameters else "random_state"
)


MAX_ORDER = 6
"""Largest p and q of a fixed order (the bound of the automatic grid's max_p and max_q too)."""
MONTHS_PER_PARAMETER = 5
"""A fixed order needs at least this many months per ARMA parameter."""
INNOVATIONS = {"gaussian": "", "bootstrap": "+boot"}
"""How forecast paths draw their innovations, and the suffix of the model's name."""
MIN_RESAMPLED = 24
"""Fewest one-step errors a path's innovations are resampled from."""


def standardised_errors(result: MLEResults, name: str) -> np.ndarray:
    """The fit's standardised one-step forecast errors after the diffuse burn-in
    (``loglikelihood_burn``), centred and scaled to unit variance; a :class:`FitError` naming
    ``name`` when fewer than :data:`MIN_RESAMPLED` of them vary."""
    errors = np.asarray(result.filter_results.standardized_forecasts_error)[0]
    errors = errors[int(result.loglikelihood_burn) :]
    errors = errors[np.isfinite(errors)]
    spread = errors.std() if len(errors) else 0.0
    if len(errors) < MIN_RESAMPLED or not spread > 0:
        raise FitError(
            f"{name}: {len(errors)} one-step errors with spread {spread:.3g}, too few to "
            f"resample innovations from (needs {MIN_RESAMPLED} that vary); use "
            "innovations='gaussian' or a longer series"
        )
    return (errors - errors.mean()) / spread


def resampled_errors(
    result: MLEResults, shape: tuple[int, ...], gen: np.random.Generator, name: str
) -> np.ndarray:
    """Unit innovations drawn with replacement from :func:`standardised_errors`: the paths
    keep the model's spread month by month and take the shape of its errors (many near zero
    and a few large ones on a score that moves in jumps) instead of the Gaussian's."""
    return gen.choice(standardised_errors(result, name), size=shape, replace=True)


def _check_data_supports(order: tuple[int, int, int], months: int, name: str) -> None:
    """Refuse an order with more ARMA parameters than the series can estimate."""
    p, d, q = order
    needed = MONTHS_PER_PARAMETER * (p + q + 1) + d
    if months < needed:
        raise FitError(
            f"ARIMA{order} has {p + q + 1} parameters, too many for the {months} months of "
            f"{name!r} (needs at least {needed}: {MONTHS_PER_PARAMETER} months per parameter); "
            "use a smaller order, order='auto', or a longer series"
        )


@dataclass(frozen=True)
class ARIMA:
    """ARIMA specification: regression on shock dummies with ARIMA errors, bounded paths.

    Parameters
    ----------
    order : (p, d, q) or "auto", default "auto"
        Fixed order, or automatic choice by KPSS (``d``) and AICc (``p``, ``q``, drift).
    trend : {"n", "c", "t"}, optional
        Deterministic term for a fixed order: none, constant (``d = 0``) or drift (``d = 1``,
        statsmodels' ``"t"``). Default: ``"c"`` when ``d = 0``, ``"n"`` when ``d = 1``.
    max_p, max_q : int, default 2
        Grid bounds of the automatic order search.
    drift : bool, optional
        Whether the automatic search may add a drift when ``d = 1`` (kept if it lowers AICc).
        Default: not on a bounded scale (see the module notes), yes without bounds
        (``scale=None``).
    scale : Scale or None, default TSINGHUA_SCALE
        Bounded scale of the scores; ``None`` (read as ``rf.UNBOUNDED_SCALE``) fits the raw
        values (unbounded paths).
    window : int, optional
        Fit on the last ``window`` months only.
    shocks_by : {"shock", "kind"}, default "shock"
        One effect per shock, or one shared effect per kind of shock.
    innovations : {"gaussian", "bootstrap"}, default "gaussian"
        What forecast paths draw their month-by-month innovations from: the Gaussian of the
        likelihood, or the fit's own standardised one-step errors, resampled (same spread,
        their shape; the name gets ``+boot``).

    Examples
    --------
    >>> import relforecast as rf
    >>> fit = rf.ARIMA(order=(1, 1, 0)).fit(rf.datasets.demo())
    >>> fit.order
    (1, 1, 0)
    """

    order: tuple[int, int, int] | str = "auto"
    trend: str | None = None
    max_p: int = 2
    max_q: int = 2
    scale: Scale | None = TSINGHUA_SCALE
    window: int | None = None
    shocks_by: str = "shock"
    drift: bool | None = None
    innovations: str = "gaussian"

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", as_scale(self.scale))  # None: no bounds
        if isinstance(self.order, str):
            if self.order != "auto":
                raise SpecError(f"order={self.order!r} is not known; use 'auto' or (p, d, q)")
        else:
            order = _whole_numbers(self.order)
            if order is None or len(order) != 3 or min(order) < 0 or order[1] > 2:
                raise SpecError(
                    f"order={self.order!r} must be three whole numbers (p, d, q) >= 0, d <= 2"
                )
            if max(order[0], order[2]) > MAX_ORDER:
                raise SpecError(
                    f"order={self.order!r}: p and q are at most {MAX_ORDER} (monthly scores "
                    "carry no information for longer lags, and the fit would take minutes); "
                    "use a smaller order or order='auto'"
                )
            object.__setattr__(self, "order", order)
        if self.trend not in (None, "n", "c", "t"):
            raise SpecError(f"trend={self.trend!r} is not known; use 'n', 'c' or 't'")
        for option in ("max_p", "max_q"):
            value = check_whole(
                getattr(self, option), option, "ARIMA", minimum=0, maximum=MAX_ORDER
            )
            object.__setattr__(self, option, value)
        if self.window is not None:
            window = check_whole(self.window, "window", "ARIMA", minimum=MIN_MONTHS)
            object.__setattr__(self, "window", window)
        if self.shocks_by not in ("shock", "kind"):
            raise SpecError(f"shocks_by={self.shocks_by!r} is not known; use 'shock' or 'kind'")
        if self.drift not in (None, True, False):
            raise SpecError(f"drift={self.drift!r} must be True, False or None (the default)")
        if self.innovations not in INNOVATIONS:
            raise SpecError(
                f"innovations={self.innovations!r} is not known; use "
                + " or ".join(repr(k) for k in INNOVATIONS)
            )

    @property
    def name(self) -> str:
        """Short label of the specification."""
        label = "ARIMA(auto)" if self.order == "auto" else f"ARIMA{self.order}"
        return label + INNOVATIONS[self.innovations]

    @one_blas_thread
    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> ARIMAResult:
        """Estimate the model on ``series`` with the dummies of ``shocks``.

        Parameters
        ----------
        series : pd.Series
            Monthly scores (``rf.load_scores``), at least 36 months.
        shocks : ShockCalendar, optional
            Shocks whose dummies enter as regressors.

        Returns
        -------
        ARIMAResult
        """
        y = prepare_series(series, self.scale, window=self.window, what=self.name)
        refuse_constant(
            series, y, self.name, pooled=False, why="an ARIMA has no variance to estimate"
        )
        if self.order != "auto":
            _check_data_supports(self.order, len(y), str(y.name))
        z = self.scale.to_unbounded(y)
        diagnostics: list[str] = []
        calendar = as_calendar(shocks)
        design = calendar.design(y.index, by=self.shocks_by)
        design, notes = clean_design(design)
        diagnostics.extend(notes)
        if self.order == "auto":
            drift = self.drift if self.drift is not None else not self.scale.bounded
            order, trend, table, result, start = _choose_order(
                z, design, self.max_p, self.max_q, diagnostics, drift
            )
            if result is None:
                result = _fit_sarimax(z, design, order, trend, diagnostics, start)
        else:
            order = self.order
            trend = self.trend or ("c" if order[1] == 0 else "n")
            table = None
            result = _fit_sarimax(z, design, order, trend, diagnostics)
        if result is None:
            raise FitError(
                f"ARIMA{order} with trend {trend!r} failed to fit {y.name!r}: "
                f"{'; '.join(diagnostics[-2:]) or 'unknown reason'}; try a simpler order"
            )
        fitted = ARIMAResult(
            spec=self,
            series=y,
            calendar=calendar,
            design_columns=list(design.columns),
            order=order,
            trend=trend,
            result=result,
            candidates=table,
            diagnostics=diagnostics,
        )
        if self.innovations == "bootstrap":  # refused at the fit, so that a pool sets it aside
            standardised_errors(result, fitted.name)
        return fitted


def _time_invariant(ssm: object) -> bool:
    """Whether a state space model's design, transition and selection matrices are the same
    every month (statsmodels gives those without a time axis, or with one of length 1)."""
    return all(
        np.ndim(ssm[name]) == 2 or np.shape(ssm[name])[-1] == 1
        for name in ("design", "transition", "selection")
    )


def _shifted_response(ssm: object, horizon: int) -> np.ndarray:
    """Responses of months ``1 … horizon`` of a time-invariant state space model to a unit
    deviation of each initial state and to a unit shock of each state disturbance in each month.

    With ``y_t = d_t + Z a_t`` and ``a_{t+1} = c_t + T a_t + R eta_t`` the response of month
    ``t`` (0-based) to the initial state is ``Z T^t`` and to the disturbance of month ``s < t``
    it is ``Z T^(t-s-1) R``: the same for every ``s``, shifted. Columns: the ``k_states`` initial
    states, then month by month the ``k_posdef`` disturbances, as
    :meth:`ARIMAResult._simulate_unbounded` draws them.
    """
    design, transition, selection = (
        np.asarray(ssm[name], dtype=float).reshape(np.shape(ssm[name])[:2])
        for name in ("design", "transition", "selection")
    )
    k_states, k_posdef = selection.shape
    to_state = np.empty((horizon, k_states))  # row t: first row of Z T^t
    power = design[:1]
    for t in range(horizon):
        to_state[t] = power[0]
        power = power @ transition
    to_shock = np.zeros((horizon, k_posdef))  # row t: Z T^(t-1) R, none in month 0
    to_shock[1:] = to_state[:-1] @ selection
    columns = [to_state]
    for t in range(horizon):
        shifted = np.zeros((horizon, k_posdef))
        shifted[t:] = to_shock[: horizon - t]
        columns.append(shifted)
    return np.concatenate(columns, axis=1)


def _check_response_memory(horizon: int, k_states: int, k_posdef: int, n_paths: int) -> None:
    """Refuse, before it is built, a response matrix that would not fit in memory.

    The paths are ``mu + u @ A.T`` with ``A`` of ``horizon x (k_states + horizon * k_posdef)``
    float64 entries — quadratic in the horizon — built from as many columns before they are
    joined (twice its size at once), and ``u`` with a row of as many draws per path.
    """
    columns = k_states + horizon * k_posdef
    check_request(
        8.0 * columns * (2 * horizon + n_paths),
        f"an ARIMA forecast {horizon} months ahead",
        "use a shorter horizon (its memory grows with the square of the horizon) or fewer paths",
    )


def _whole_numbers(values: object) -> tuple[int, ...] | None:
    """``values`` as a tuple of ints, or ``None`` when any is not a whole number."""
    if isinstance(values, str | bytes) or not isinstance(values, tuple | list | np.ndarray):
        return None
    out = []
    for v in values:
        number = as_number(v) if not isinstance(v, str) else None
        if number is None or not np.isfinite(number) or not number.is_integer():
            return None
        out.append(int(number))
    return tuple(out)


def sarimax_model(
    z: np.ndarray, exog: np.ndarray | None, order: tuple[int, int, int], trend: str
) -> SARIMAX:
    """The state-space model an ARIMA is estimated in (the innovation variance concentrated
    out of the likelihood); a fit rebuilt from stored estimates uses the same."""
    return SARIMAX(z, exog=exog, order=order, trend=trend, concentrate_scale=True)


def _fit_sarimax(
    z: pd.Series,
    design: pd.DataFrame,
    order: tuple[int, int, int],
    trend: str,
    diagnostics: list[str],
    start: dict[str, float] | None = None,
    lean: bool = False,
) -> MLEResults | None:
    """Fit one SARIMAX; ``start`` overrides start values by parameter name.

    ``lean``: a candidate of the order search, whose information criterion is all that is
    compared — the parameters' covariance is not computed (:func:`_completed` gives the winner
    its own).
    """
    exog = design.to_numpy() if design.shape[1] else None
    tag = f"ARIMA{order} trend={trend}"
    local: list[str] = []
    try:
        with capture_warnings(local):
            model = sarimax_model(z.to_numpy(), exog, order, trend)
            params = np.asarray(model.start_params, dtype=float)
            if start:
                names = list(model.param_names)
                for name, value in start.items():
                    if name in names:
                        params[names.index(name)] = value
            if len(params) == 0:  # nothing to optimise, e.g. ARIMA(0,1,0)
                result = model.smooth(params)
            else:
                extra = {"cov_type": "none"} if lean else {}
                result = model.fit(start_params=params, disp=False, maxiter=200, **extra)
    except (np.linalg.LinAlgError, ValueError) as exc:
        diagnostics.append(f"{tag}: estimation failed ({exc})")
        return None
    diagnostics.extend(f"{tag}: {m}" for m in local)
    if not (getattr(result, "mle_retvals", None) or {}).get("converged", True):
        diagnostics.append(f"{tag}: optimiser did not report convergence")
    if not np.isfinite(result.llf):
        diagnostics.append(f"{tag}: non-finite log-likelihood")
        return None
    return result


def _completed(lean: MLEResults) -> MLEResults:
    """The full result of a lean candidate fit: smoothed at its estimates with the parameters'
    covariance, as :meth:`MLEModel.fit` gives it when not lean."""
    if getattr(lean, "mlefit", None) is None:  # nothing was optimised: already smoothed
        return lean
    with capture_warnings([]):  # the same estimates: the candidate fit noted its warnings
        full = lean.model.smooth(lean.mlefit.params, transformed=False, includes_fixed=False)
    full._results.mlefit = lean.mlefit
    full._results.mle_retvals = lean.mlefit.mle_retvals
    full._results.mle_settings = lean.mlefit.mle_settings
    return full


# statsmodels >= 0.15 warns that kpss will return a result object unless told which form
# is wanted; asking for the tuple keeps the answer and emits no FutureWarning (warning filters
# are process-wide, so capturing it is not enough while an outlook's backtest thread runs)
_KPSS_OPTIONS = (
    {"result_object": False} if "result_object" in inspect.signature(kpss).parameters else {}
)


def _choose_d(z: pd.Series, diagnostics: list[str]) -> int:
    local: list[str] = []
    with capture_warnings(local):
        _, pvalue, _, _ = kpss(z.to_numpy(), regression="c", nlags="auto", **_KPSS_OPTIONS)
    d = 1 if pvalue < 0.05 else 0
    diagnostics.append(f"auto order: KPSS p-value {pvalue:.3f} -> d = {d}")
    return d


def _shock_free_errors(z: pd.Series, design: pd.DataFrame, d: int) -> tuple[pd.Series, np.ndarray]:
    """``z`` minus the shock effects estimated by least squares on ``d``-th differences."""
    if design.shape[1] == 0:
        return z, np.zeros(0)
    dz = np.diff(z.to_numpy(), n=d) if d else z.to_numpy()
    dx = np.diff(design.to_numpy(), n=d, axis=0) if d else design.to_numpy()
    if d == 0:
        dx = np.column_stack([np.ones(len(dx)), dx])
    beta, *_ = np.linalg.lstsq(dx, dz, rcond=None)
    effects = beta[1:] if d == 0 else beta
    return z - design.to_numpy() @ effects, effects


def _choose_order(
    z: pd.Series,
    design: pd.DataFrame,
    max_p: int,
    max_q: int,
    diagnostics: list[str],
    drift: bool = True,
) -> tuple[tuple[int, int, int], str, pd.DataFrame, MLEResults | None, dict[str, float]]:
    """Search the grid: order, trend, table, the winning fit (without shocks) or start values."""
    d = _choose_d(z, diagnostics)
    u, effects = _shock_free_errors(z, design, d)
    no_shocks = design.iloc[:, :0]
    base_trend = "c" if d == 0 else "n"
    fits: dict[tuple[tuple[int, int, int], str], MLEResults] = {}
    candidates = [((p, d, q), base_trend) for p in range(max_p + 1) for q in range(max_q + 1)]
    for order, trend in candidates:
        res = _fit_sarimax(u, no_shocks, order, trend, diagnostics, lean=True)
        if res is not None:
            fits[order, trend] = res
    if not fits:
        raise FitError(
            "no ARIMA order in the automatic grid could be fitted; "
            f"see diagnostics: {'; '.join(diagnostics[-3:])}"
        )
    best = min(fits, key=lambda key: fits[key].aicc)
    if d == 1 and drift:
        candidates.append((best[0], "t"))
        res = _fit_sarimax(u, no_shocks, best[0], "t", diagnostics, lean=True)
        if res is not None:
            fits[best[0], "t"] = res
            if res.aicc < fits[best].aicc:
                best = (best[0], "t")
    rows = [
        {
            "p": o[0],
            "d": o[1],
            "q": o[2],
            "trend": t,
            "aicc": fits[o, t].aicc if (o, t) in fits else np.inf,
        }
        for o, t in candidates
    ]
    table = pd.DataFrame(rows).sort_values("aicc").reset_index(drop=True)
    diagnostics.append(f"auto order: chose ARIMA{best[0]} trend={best[1]!r} by AICc")
    if design.shape[1] == 0:
        return best[0], best[1], table, _completed(fits[best]), {}
    # start the joint fit from the least-squares effects and the winner's ARMA estimates
    winner = fits[best]
    start = dict(zip(winner.model.param_names, np.asarray(winner.params), strict=True))
    start.update({f"x{i + 1}": float(b) for i, b in enumerate(effects)})
    return best[0], best[1], table, None, start


@dataclass
class ARIMAResult(LikelihoodResult, PathSimulator):
    """A fitted :class:`ARIMA`.

    Attributes
    ----------
    order : (p, d, q)
        The order used (chosen, when the spec said ``"auto"``).
    trend : str
        ``"n"``, ``"c"`` (constant) or ``"t"`` (drift when ``d = 1``).
    params : pd.Series
        Estimates by name: ``intercept``/``drift``, ``ar.L1``..., ``ma.L1``..., one per shock
        (effects on the transformed scale, about the same as score points near 0), ``sigma2``.
    candidates : pd.DataFrame or None
        The automatic search's table (p, d, q, trend, AICc of the shock-free errors), best
        first.
    diagnostics : list of str
        Notes and captured statsmodels warnings (convergence, dropped shocks, order choice).
    """

    spec: ARIMA
    series: pd.Series
    calendar: ShockCalendar
    design_columns: list[str]
    order: tuple[int, int, int]
    trend: str
    result: MLEResults = field(repr=False)
    candidates: pd.DataFrame | None = None
    diagnostics: list[str] = field(default_factory=list)

    @property
    def params(self) -> pd.Series:
        """Parameter estimates, named."""
        rename = {f"x{i + 1}": col for i, col in enumerate(self.design_columns)}
        rename["intercept"] = "intercept" if self.order[1] == 0 else "drift"
        names = [rename.get(n, n) for n in self.result.param_names]
        values = [*np.asarray(self.result.params, dtype=float), float(self.result.scale)]
        return pd.Series(values, index=[*names, "sigma2"])

    @property
    def aicc(self) -> float:
        """AIC with small-sample correction (the automatic search's criterion)."""
        return float(self.result.aicc)

    @property
    def name(self) -> str:
        """Label of the fitted model, e.g. ``ARIMA(1,1,1)``."""
        drift = "+drift" if self.trend == "t" else ""
        return "ARIMA({},{},{}){}".format(*self.order, drift) + INNOVATIONS[self.spec.innovations]

    def __repr__(self) -> str:
        return (
            f"ARIMAResult({self.name} on {self.series.name!r} "
            f"{self.series.index[0]}..{self.series.index[-1]}, AICc={self.aicc:.2f})"
        )

    def _simulate_unbounded(
        self, index: pd.PeriodIndex, n_paths: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, None]:
        """Paths of the transformed series, simulated from the end of the sample.

        statsmodels' ``simulate(anchor="end", repetitions=n)`` runs one simulation smoother
        per path. A linear Gaussian state space model's simulated path is linear in the
        initial state and the state shocks, so every path is ``mu + A u``: ``mu``, the path
        with no shocks (intercepts, drift and shock regressors included), comes from one
        deterministic call of statsmodels' ``simulate(anchor="end")``; the columns of ``A``
        are the responses to a unit deviation of each initial state and to a unit disturbance
        in each month, read from the system matrices when they do not change over time
        (:func:`_shifted_response`) and otherwise from one ``simulate`` call each; ``u`` holds
        the drawn initial-state deviation (covariance ``P_{T+1|T}``) and state shocks
        (covariance ``Q``). Same paths as statsmodels' ``simulate`` given the same draws, to
        rounding (tested), hence the same distribution as ``repetitions=n``, at a fraction of
        the cost.
        """
        h = len(index)
        exog = None
        if self.design_columns:
            future = self.calendar.design(index, by=self.spec.shocks_by)
            exog = future[self.design_columns].to_numpy()
        res = self.result
        ssm = res.model.ssm
        k_states, k_posdef = ssm.k_states, ssm.k_posdef
        start = np.asarray(res.predicted_state[:, -1])
        # both covariances as the results report them: already multiplied by the
        # concentrated-out innovation variance
        start_cov = np.asarray(res.predicted_state_cov[:, :, -1])
        state_cov = np.asarray(res.filter_results.state_cov[:, :, -1])
        no_noise = np.zeros((h, ssm.k_endog))

        def path(initial: np.ndarray, shocks: np.ndarray) -> np.ndarray:
            out = res.simulate(
                h,
                measurement_shocks=no_noise,
                state_shocks=shocks,
                initial_state=initial,
                anchor="end",
                exog=exog,
            )
            return np.asarray(out, dtype=float).reshape(h)

        _check_response_memory(h, k_states, k_posdef, n_paths)
        zero_shocks = np.zeros((h, k_posdef))
        mu = path(start, zero_shocks)
        if _time_invariant(ssm):
            response = _shifted_response(ssm, h)
        else:
            columns = []
            for i in range(k_states):
                unit = np.zeros(k_states)
                unit[i] = 1.0
                columns.append(path(start + unit, zero_shocks) - mu)
            for t in range(h):
                for j in range(k_posdef):
                    shocks = zero_shocks.copy()
                    shocks[t, j] = 1.0
                    columns.append(path(start, shocks) - mu)
            response = np.column_stack(columns)  # (h, k_states + h * k_posdef)
        if self.spec.innovations == "bootstrap":
            # the first month's innovation sits in the initial state's deviation: drawn from
            # the errors too, the rest of that deviation (the state's own uncertainty) Gaussian
            unit = resampled_errors(res, (n_paths, h + 1, k_posdef), gen, self.name)
            selection = np.asarray(ssm["selection"], dtype=float)
            selection = selection[:, :, -1] if selection.ndim == 3 else selection
            loading = selection @ sqrt_psd(state_cov)
            rest = sqrt_psd(start_cov - loading @ loading.T)
            draws_state = gen.standard_normal((n_paths, k_states)) @ rest.T + unit[:, 0] @ loading.T
            draws_shock = unit[:, 1:] @ sqrt_psd(state_cov).T
        else:
            draws_state = gen.standard_normal((n_paths, k_states)) @ sqrt_psd(start_cov).T
            draws_shock = gen.standard_normal((n_paths, h, k_posdef)) @ sqrt_psd(state_cov).T
        u = np.concatenate([draws_state, draws_shock.reshape(n_paths, h * k_posdef)], axis=1)
        return mu + u @ response.T, None

    @one_blas_thread
    def update(self, series: pd.Series) -> ARIMAResult:
        """The same parameters applied to new data (no re-estimation).

        Used between refits in rolling backtests: the state is filtered through the new
        observations (the innovation variance, concentrated out of the likelihood, is
        recomputed); the order, shock columns and coefficients stay as estimated.
        """
        y = prepare_series(series, self.scale, window=self.spec.window, what=self.name)
        z = self.scale.to_unbounded(y)
        exog = None
        if self.design_columns:
            design = self.calendar.design(y.index, by=self.spec.shocks_by)
            exog = design[self.design_columns].to_numpy()
        local: list[str] = []
        with capture_warnings(local):  # the filter alone: forecasts start from its last state
            model = sarimax_model(z.to_numpy(), exog, self.order, self.trend)
            result = model.filter(np.asarray(self.result.params), cov_type="none")
        note = f"parameters estimated on data to {self.series.index[-1]}, applied to new data"
        if self.spec.innovations == "bootstrap":
            standardised_errors(result, self.name)
        return replace(self, series=y, result=result, diagnostics=[*self.diagnostics, note, *local])

    def shock_effects(self) -> pd.DataFrame:
        """Estimated effect of each fitted shock column (transformed units), with its kind."""
        return shock_effect_table(
            self.calendar,
            self.spec.shocks_by,
            self.design_columns,
            [float(self.params[c]) for c in self.design_columns],
        )
