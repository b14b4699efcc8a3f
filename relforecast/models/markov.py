"""Markov regime-switching models: estimation on statsmodels, forecasting by simulation.

statsmodels estimates Markov-switching models but its ``forecast()`` raises
``NotImplementedError``; here the forecast is written out: draw the regime(s) at the end of
the sample from the filtered probabilities, simulate regime paths with the transition matrix,
then values with each regime's parameters and the future dummies.

Forms
-----
``form="diff"`` (default) models monthly changes of the transformed score,
``Δz_t = μ_{S_t} + Δx_t'β_{S_t} + Σ φ_i r_{t-i} + σ_{S_t} ε_t`` — calm and turbulent spells
with their own mean and variance; paths are ``z_T + cumulative changes``.
``form="level"`` is Hamilton's MS-AR in mean form on ``z`` itself:
``z_t − μ_{S_t} − x_t'β_{S_t} = Σ φ_i (z_{t−i} − μ_{S_{t−i}} − x_{t−i}'β_{S_{t−i}}) + σ_{S_t} ε_t``.

Momentum
--------
``momentum=M`` (diff form, ``order=0``) adds the mean change of the previous ``M`` months,
``m_t = (z_{t-1} − z_{t-1-M}) / M``, as a regressor with a regime-specific coefficient:
``Δz_t = μ_{S_t} + γ_{S_t} m_t + Δx_t'β + σ_{S_t} ε_t`` (Krolzig's intercept form, so the
state space stays ``k`` regimes). When a relation moves, it tends to move the way it has been
moving over the past year; in calm months (unchanged up to rounding) γ is about 0. A common
coefficient would be set by the calm months, hence regime-specific. The first ``M`` changes of
the window only serve as the first regressor values.

Zeros and the variance floor
----------------------------
Scores are published at 0.1 resolution and most months are unchanged, so a Gaussian regime can
shrink onto the zeros (variance → 0, likelihood → ∞). A published score is the true score
rounded to the resolution ``δ``: the rounding error is about uniform on ``(−δ/2, δ/2)``, with
variance ``δ²/12``, and a monthly change carries two of them. No regime can therefore be
resolved below a variance of ``δ²/6`` (``δ²/12`` for a level), mapped to the transformed scale
with the transform's slope at the median score of the fitting span. Each regime's variance is
estimated as ``floor + u²`` (u unconstrained), so the likelihood is bounded and the calm regime
settles *at* the resolution instead of collapsing. On a scale without a grid (``scale=None``, a
continuous ``LO:HI`` score) there is no floor and the
estimates are the plain maximum-likelihood ones.

Parameter uncertainty
---------------------
With ``parameter_draws=M`` the paths are split into ``M`` equal groups, each simulated from
its own parameter vector drawn from the asymptotic normal distribution of the estimates in
statsmodels' *unconstrained* parameterisation (so every draw is a valid model: transition
probabilities in (0, 1), variances above the floor). The covariance is the inverse of the
numerically differentiated negative Hessian of the log-likelihood at the estimate; each draw
re-runs the regime filter, so the regime probabilities at the end of the sample follow the
drawn parameters too. Draws are relabelled like the estimate (calm first).

Estimation
----------
The likelihood of a switching model has several local maxima (on a sticky series, typically a
solution whose two regimes coincide beside the calm/turbulent one), so it is maximised from
several starts: statsmodels' default start and seeded random perturbations of it in the
unconstrained parameterisation. Each start is first moved by five EM steps (floored as the
variances are: the M-step of a variance keeps the larger of its weighted mean square and the
floor, so no step lowers the likelihood and none collapses a regime), then BFGS maximises it.
Started so, three starts found the highest maximum of six on every Tsinghua series and origin
tried, in two thirds of the time four starts took without the EM steps (docs/evaluation.md,
``benchmarks/markov_estimation.py``).

Regimes are relabelled after estimation — by variance (calm first) when variances switch,
otherwise by mean — and the transition matrix is converted **once** from statsmodels'
left-stochastic convention (columns sum to 1) to the row-stochastic one used everywhere in
relforecast: ``transition_matrix.loc[i, j] = P(S_t = j | S_{t-1} = i)``.

Code layout
-----------
Everything that talks to statsmodels — building the model, the starts, the relabelling, the
covariance and the parameter draws — is in :mod:`relforecast.models.markov_statsmodels`
(:class:`~relforecast.models.markov_statsmodels.MarkovAdaptor`). A :class:`MarkovResult` holds
one record of parameters (:class:`~relforecast.models.markov_statsmodels.MarkovParameters`)
and simulates from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from relforecast._blas import one_blas_thread
from relforecast.data import MIN_MONTHS
from relforecast.exceptions import SpecError
from relforecast.models.base import (
    LikelihoodResult,
    PathSimulator,
    check_whole,
    prepare_series,
    refuse_constant,
    shock_effect_table,
)
from relforecast.models.markov_statsmodels import (
    MarkovAdaptor,
    MarkovData,
    MarkovParameters,
    months_needed,
    variance_floor,
)
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.shocks import ShockCalendar, as_calendar

__all__ = ["MarkovResult", "MarkovSwitching"]


@dataclass(frozen=True)
class MarkovSwitching:
    """Markov regime-switching specification with shock dummies and bounded paths.

    Parameters
    ----------
    k_regimes : int, default 2
        Number of regimes (2 or 3 in practice).
    order : int, default 0
        Autoregressive order ``p``.
    form : {"diff", "level"}, default "diff"
        Model monthly changes (calm/turbulent spells) or the level (Hamilton's MS-AR).
    switching_variance : bool, default True
        Regime-specific variances.
    switching_ar : bool, default False
        Regime-specific AR coefficients.
    switching_exog : bool, default False
        Regime-specific shock effects.
    scale : Scale or None, default TSINGHUA_SCALE
        Bounded scale (``None``, read as ``rf.UNBOUNDED_SCALE``: any series, no bounds, no
        variance floor).
    n_starts : int, default 3
        Optimiser starts: statsmodels' default start plus ``n_starts - 1`` seeded random
        perturbations, each improved by five EM steps before the quasi-Newton search; the
        highest likelihood wins (see the module notes).
    window : int, optional
        Fit on the last ``window`` months only.
    shocks_by : {"shock", "kind"}, default "kind"
        One effect per kind of shock (default: every effect is a numerically differentiated
        parameter of the switching likelihood, so dozens of per-shock effects make the fit
        slow), or one per shock.
    seed : int, default 0
        Seed of the start perturbations (fits are reproducible).
    momentum : int, default 0
        ``M > 0`` (diff form, order 0): the mean change over the previous ``M`` months enters
        as a regressor with a regime-specific coefficient (see the module notes).
    parameter_draws : int, default 0
        ``0``: simulate with the estimates (plug-in). ``M > 0``: split the paths into ``M``
        groups, each simulated with parameters drawn from the estimates' asymptotic
        distribution (see the module notes).
    """

    k_regimes: int = 2
    order: int = 0
    form: str = "diff"
    switching_variance: bool = True
    switching_ar: bool = False
    switching_exog: bool = False
    scale: Scale | None = TSINGHUA_SCALE
    n_starts: int = 3
    window: int | None = None
    shocks_by: str = "kind"
    seed: int = 0
    parameter_draws: int = 0
    momentum: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", as_scale(self.scale))  # None: no bounds
        owner = "MarkovSwitching"
        k = check_whole(self.k_regimes, "k_regimes", owner, minimum=2, maximum=4)
        object.__setattr__(self, "k_regimes", k)
        object.__setattr__(
            self, "order", check_whole(self.order, "order", owner, minimum=0, maximum=6)
        )
        if self.form not in ("diff", "level"):
            raise SpecError(f"form={self.form!r} is not known; use 'diff' or 'level'")
        for option in ("switching_variance", "switching_ar", "switching_exog"):
            if getattr(self, option) not in (True, False):
                raise SpecError(f"{option}={getattr(self, option)!r} must be True or False")
        object.__setattr__(
            self, "n_starts", check_whole(self.n_starts, "n_starts", owner, minimum=1)
        )
        if self.window is not None:
            window = check_whole(self.window, "window", owner, minimum=MIN_MONTHS)
            object.__setattr__(self, "window", window)
        if self.shocks_by not in ("shock", "kind"):
            raise SpecError(f"shocks_by={self.shocks_by!r} is not known; use 'shock' or 'kind'")
        object.__setattr__(self, "seed", check_whole(self.seed, "seed", owner, minimum=0))
        draws = check_whole(
            self.parameter_draws,
            "parameter_draws",
            owner,
            minimum=0,
            hint="use 0 (plug-in) or a number of parameter vectors such as 50",
        )
        object.__setattr__(self, "parameter_draws", draws)
        momentum = check_whole(
            self.momentum,
            "momentum",
            owner,
            minimum=0,
            maximum=60,
            hint="use 0 (none) or a number of months such as 12",
        )
        object.__setattr__(self, "momentum", momentum)
        if self.momentum and (self.form != "diff" or self.order):
            raise SpecError(
                f"momentum={self.momentum} needs form='diff' and order=0 "
                f"(got form={self.form!r}, order={self.order})"
            )
        needed = months_needed(self.momentum)
        if self.momentum and self.window is not None and self.window < needed:
            raise SpecError(
                f"window={self.window} months is too short for momentum={self.momentum}, which "
                f"needs at least {needed}; give window={needed} or more, or a shorter momentum"
            )

    @property
    def name(self) -> str:
        """Short label, e.g. ``MS(2)-diff`` or ``MS(2)-diff-momentum(12)``."""
        ar = f"-AR({self.order})" if self.order else ""
        mom = f"-momentum({self.momentum})" if self.momentum else ""
        return f"MS({self.k_regimes}){ar}-{self.form}{mom}"

    # ------------------------------------------------------------------ fitting
    @one_blas_thread
    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> MarkovResult:
        """Estimate the model.

        Parameters
        ----------
        series : pd.Series
            Monthly scores (or any monthly series when ``scale=None``).
        shocks : ShockCalendar, optional
            Shocks entering as exogenous regressors.

        Returns
        -------
        MarkovResult
        """
        y = prepare_series(series, self.scale, window=self.window, what=self.name)
        refuse_constant(series, y, self.name)
        calendar = as_calendar(shocks)
        adaptor = MarkovAdaptor(self, variance_floor(self, y))
        data = adaptor.data(y, calendar)
        diagnostics = list(data.notes)
        result = adaptor.estimate(adaptor.model(data), diagnostics)
        return MarkovResult(
            spec=self,
            series=y,
            calendar=calendar,
            adaptor=adaptor,
            data=data,
            result=result,
            parameters=adaptor.parameters(result, len(data.columns), diagnostics),
            diagnostics=diagnostics,
        )


@dataclass
class MarkovResult(LikelihoodResult, PathSimulator):
    """A fitted :class:`MarkovSwitching` model (regimes relabelled, row-stochastic transitions).

    Attributes
    ----------
    parameters : MarkovParameters
        The one record of estimates the forecasts simulate from; ``mean``, ``sigma2``, ``ar``,
        ``beta``, ``momentum_coef``, ``transition``, ``last_regimes``, ``perm`` and
        ``regime_names`` read it.
    params : pd.Series
        Named estimates: ``mean[calm]``, ``sigma2[calm]``, ``ar.L1[...]``, shock effects,
        ``p[calm->turbulent]``...
    transition_matrix : pd.DataFrame
        Row-stochastic: ``loc[i, j] = P(next regime j | regime i)``.
    result : statsmodels results
        The estimation (or, after :meth:`update`, the filter at the estimates).
    diagnostics : list of str
        Failed starts, captured warnings, regimes at the variance floor, dropped shocks.
    """

    spec: MarkovSwitching
    series: pd.Series
    calendar: ShockCalendar
    adaptor: MarkovAdaptor = field(repr=False)
    data: MarkovData = field(repr=False)
    result: object = field(repr=False)
    parameters: MarkovParameters = field(repr=False)
    diagnostics: list[str] = field(default_factory=list)
    _covariance: np.ndarray | None = field(default=None, repr=False)

    # ------------------------------------------------------ the parameter record
    @property
    def regime_names(self) -> list[str]:
        """Names of the regimes, calm first when variances switch."""
        return self.parameters.regime_names

    @property
    def mean(self) -> np.ndarray:
        """Intercept of each regime."""
        return self.parameters.mean

    @property
    def sigma2(self) -> np.ndarray:
        """Innovation variance of each regime."""
        return self.parameters.sigma2

    @property
    def ar(self) -> np.ndarray:
        """Autoregressive coefficients, regimes x lags."""
        return self.parameters.ar

    @property
    def beta(self) -> np.ndarray:
        """Shock effects, regimes x dummy columns."""
        return self.parameters.beta

    @property
    def momentum_coef(self) -> np.ndarray:
        """Coefficient of the momentum regressor in each regime (zeros without momentum)."""
        return self.parameters.momentum

    @property
    def transition(self) -> np.ndarray:
        """Row-stochastic transition matrix as an array."""
        return self.parameters.transition

    @property
    def last_regimes(self) -> np.ndarray:
        """P(S_T, ..., S_{T-p} | data): the regimes at the end of the sample."""
        return self.parameters.last_regimes

    @property
    def perm(self) -> np.ndarray:
        """Relabelling: regime ``j`` here is statsmodels' regime ``perm[j]``."""
        return self.parameters.perm

    @property
    def variance_floor(self) -> float:
        """The resolution variance floor of the regimes (0 without a scale)."""
        return self.adaptor.floor

    @property
    def endog(self) -> pd.Series:
        """The modelled series (monthly changes of the transformed score, or its level)."""
        return self.data.endog

    @property
    def z(self) -> pd.Series:
        """The transformed score."""
        return self.data.z

    @property
    def design_columns(self) -> list[str]:
        """The shock dummy columns in the model."""
        return self.data.columns

    # ------------------------------------------------------------------ results
    @property
    def name(self) -> str:
        """Label of the model."""
        return self.spec.name

    @property
    def params(self) -> pd.Series:
        """Named estimates in relabelled regime order."""
        spec = self.spec
        out: dict[str, float] = {}

        def put(label: str, switching: bool, values: np.ndarray) -> None:
            # one entry per regime when the parameter switches, one in all otherwise
            if switching:
                out.update({f"{label}[{r}]": values[j] for j, r in enumerate(self.regime_names)})
            else:
                out[label] = values[0]

        put("mean", True, self.mean)
        put("sigma2", spec.switching_variance, self.sigma2)
        for i in range(spec.order):
            put(f"ar.L{i + 1}", spec.switching_ar, self.ar[:, i])
        if spec.momentum:
            put("momentum", True, self.momentum_coef)
        for c, col in enumerate(self.design_columns):
            put(col, spec.switching_exog, self.beta[:, c])
        for i, a in enumerate(self.regime_names):
            for j, b in enumerate(self.regime_names):
                out[f"p[{a}->{b}]"] = self.transition[i, j]
        return pd.Series(out)

    @property
    def transition_matrix(self) -> pd.DataFrame:
        """Row-stochastic transition matrix: rows = from, columns = to."""
        names = pd.Index(self.regime_names)
        return pd.DataFrame(self.transition, index=names.rename("from"), columns=names.rename("to"))

    @property
    def expected_durations(self) -> pd.Series:
        """Expected months spent in each regime once entered: ``1 / (1 - p_ii)``."""
        stay = np.diag(self.transition)
        with np.errstate(divide="ignore"):
            durations = np.where(stay < 1, 1.0 / (1.0 - stay), np.inf)
        return pd.Series(durations, index=self.regime_names, name="expected_duration")

    @property
    def smoothed_regime_probabilities(self) -> pd.DataFrame:
        """P(regime | all data) per month (months x regimes); smoothed here when the result
        is the filter's alone (a model applied to new data by :meth:`update`)."""
        result = self.result
        if result.smoothed_marginal_probabilities is None:
            result = self.adaptor.apply(result.model, result.params, [])
        probs = np.asarray(result.smoothed_marginal_probabilities)[:, self.perm]
        index = self.endog.index[len(self.endog) - probs.shape[0] :]
        return pd.DataFrame(probs, index=index, columns=self.regime_names)

    def __repr__(self) -> str:
        return (
            f"MarkovResult({self.name} on {self.series.name!r} "
            f"{self.series.index[0]}..{self.series.index[-1]}, llf={self.llf:.2f})"
        )

    # ----------------------------------------------------------------- forecast
    def _simulate_unbounded(
        self, index: pd.PeriodIndex, n: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Transformed-scale paths and regime paths, with parameter draws when asked for."""
        m = min(self.spec.parameter_draws, n)
        if m == 0:
            return self._simulate_plugin(index, n, gen)
        sizes = np.full(m, n // m)
        sizes[: n % m] += 1
        parts = [
            fit._simulate_plugin(index, int(size), gen)
            for fit, size in zip(self.parameter_draws(m, gen), sizes, strict=True)
        ]
        return np.vstack([z for z, _ in parts]), np.vstack([r for _, r in parts])

    def parameter_covariance(self) -> np.ndarray:
        """Asymptotic covariance of the estimates in statsmodels' unconstrained parameters
        (:meth:`~relforecast.models.markov_statsmodels.MarkovAdaptor.covariance`), computed once."""
        if self._covariance is None:
            self._covariance = self.adaptor.covariance(self.result, self.diagnostics)
        return self._covariance

    def parameter_draws(self, m: int, rng: np.random.Generator) -> list[MarkovResult]:
        """``m`` fitted models with parameters drawn from the estimates' asymptotic
        distribution (unconstrained parameterisation), each with its own regime filter."""
        results, replaced = self.adaptor.draws(self.result, self.parameter_covariance(), m, rng)
        n_columns = len(self.design_columns)
        out = [
            replace(
                self,
                result=res,
                parameters=self.adaptor.parameters(res, n_columns, []),
                diagnostics=[],
                _covariance=None,
            )
            for res in results
        ]
        if replaced:
            note = (
                f"{replaced} of {m} parameter draws had no steady state and were replaced "
                "by the estimates"
            )
            if note not in self.diagnostics:
                self.diagnostics.append(note)
        return out

    def _simulate_plugin(
        self, index: pd.PeriodIndex, n: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Transformed-scale paths and regime paths with the estimated parameters."""
        h = len(index)
        k, p = self.spec.k_regimes, self.spec.order
        x_future = self._future_design(index)
        # regimes at the end of the sample: S_T, S_{T-1}, ..., S_{T-p}
        flat = self.last_regimes.reshape(-1)
        flat = flat / flat.sum()
        draws = gen.choice(flat.size, size=n, p=flat)
        past = np.stack(np.unravel_index(draws, (k,) * (p + 1)), axis=1) if p else draws[:, None]
        # residual history r_{T-i} = w_{T-i} - mean - x'beta under the drawn regimes
        w_hist = self.endog.to_numpy()
        x_hist = self._history_design()
        resid = np.zeros((n, p))
        for i in range(p):
            s = past[:, i]
            resid[:, i] = w_hist[-1 - i] - self.mean[s] - (self.beta[s] * x_hist[-1 - i]).sum(1)
        cum = np.cumsum(self.transition, axis=1)
        state = past[:, 0]
        regimes = np.empty((n, h), dtype=int)
        values = np.empty((n, h))
        sd = np.sqrt(self.sigma2)
        shocks = gen.standard_normal((n, h))
        uniforms = gen.random((n, h))
        m = self.spec.momentum
        # the last m changes of each path (momentum regressor = their mean); a ring buffer
        recent = np.tile(w_hist[-m:], (n, 1)) if m else None
        for t in range(h):
            state = (uniforms[:, t, None] > cum[state]).sum(axis=1)
            state = np.minimum(state, k - 1)
            regimes[:, t] = state
            ar_part = (self.ar[state] * resid).sum(axis=1) if p else 0.0
            r_t = ar_part + sd[state] * shocks[:, t]
            values[:, t] = self.mean[state] + (self.beta[state] * x_future[t]).sum(axis=1) + r_t
            if m:
                values[:, t] += self.momentum_coef[state] * recent.mean(axis=1)
                recent[:, t % m] = values[:, t]
            if p:
                resid = np.column_stack([r_t, resid[:, :-1]])
        z = self.z.iloc[-1] + np.cumsum(values, axis=1) if self.spec.form == "diff" else values
        return z, regimes

    @one_blas_thread
    def update(self, series: pd.Series) -> MarkovResult:
        """The same parameters applied to new data (no re-estimation): the regime filter is run
        through the new observations. Used between refits in rolling backtests."""
        spec = self.spec
        y = prepare_series(series, spec.scale, window=spec.window, what=spec.name)
        data = self.adaptor.data(y, self.calendar, self.design_columns)
        local: list[str] = []
        result = self.adaptor.filter(self.adaptor.model(data), self.result.params, local)
        note = f"parameters estimated on data to {self.series.index[-1]}, applied to new data"
        diagnostics = [*self.diagnostics, note, *local]
        return MarkovResult(
            spec=spec,
            series=y,
            calendar=self.calendar,
            adaptor=self.adaptor,
            data=data,
            result=result,
            parameters=self.adaptor.parameters(result, len(data.columns), diagnostics),
            diagnostics=diagnostics,
            _covariance=self._covariance,  # same estimates, same covariance
        )

    def shock_effects(self) -> pd.DataFrame:
        """Effect of each fitted shock column (transformed units; averaged over regimes)."""
        return shock_effect_table(
            self.calendar,
            self.spec.shocks_by,
            self.design_columns,
            [float(v) for v in self.beta.mean(axis=0)],
        )

    def _history_design(self) -> np.ndarray:
        return self.data.exog.to_numpy()

    def _future_design(self, index: pd.PeriodIndex) -> np.ndarray:
        if not self.design_columns:
            return np.zeros((len(index), 0))
        span = index.insert(0, self.series.index[-1]) if self.spec.form == "diff" else index
        design = self.calendar.design(pd.PeriodIndex(span), by=self.spec.shocks_by)
        if self.spec.form == "diff":
            design = design.diff().iloc[1:]
        return design[self.design_columns].to_numpy()
