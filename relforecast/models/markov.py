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
settles *at* the resolution instead of collapsing. With ``scale=None`` there is no floor and the
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

Regimes are relabelled after estimation — by variance (calm first) when variances switch,
otherwise by mean — and the transition matrix is converted **once**, here, from statsmodels'
left-stochastic convention (columns sum to 1) to the row-stochastic one used everywhere in
relforecast: ``transition_matrix.loc[i, j] = P(S_t = j | S_{t-1} = i)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.tools.numdiff import approx_hess2
from statsmodels.tsa.regime_switching.markov_autoregression import MarkovAutoregression
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

from relforecast.exceptions import FitError
from relforecast.models.base import (
    LikelihoodResult,
    PathSimulator,
    capture_warnings,
    clean_design,
    prepare_series,
    shock_effect_table,
    sqrt_psd,
)
from relforecast.scale import TSINGHUA_SCALE, Scale
from relforecast.shocks import ShockCalendar

__all__ = ["MarkovResult", "MarkovSwitching"]


class _FlooredVariance:
    """Mixin: regime variances are ``floor + u**2`` instead of ``u**2``."""

    variance_floor: float = 0.0

    def transform_params(self, unconstrained: np.ndarray) -> np.ndarray:
        constrained = super().transform_params(unconstrained)
        constrained[self.parameters["variance"]] += self.variance_floor
        return constrained

    def untransform_params(self, constrained: np.ndarray) -> np.ndarray:
        shifted = np.array(constrained, dtype=float)
        idx = self.parameters["variance"]
        shifted[idx] = np.maximum(shifted[idx] - self.variance_floor, 1e-12)
        return super().untransform_params(shifted)


class _FlooredRegression(_FlooredVariance, MarkovRegression):
    pass


class _FlooredAutoregression(_FlooredVariance, MarkovAutoregression):
    pass


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
        Bounded scale (``None``: any series, no bounds, no variance floor).
    n_starts : int, default 4
        Optimiser starts: statsmodels' default start plus ``n_starts - 1`` seeded random
        perturbations; the highest likelihood wins.
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
    n_starts: int = 4
    window: int | None = None
    shocks_by: str = "kind"
    seed: int = 0
    parameter_draws: int = 0
    momentum: int = 0

    def __post_init__(self) -> None:
        if int(self.k_regimes) != self.k_regimes or not 2 <= self.k_regimes <= 4:
            raise FitError(f"k_regimes={self.k_regimes!r}: use 2, 3 or 4")
        if int(self.order) != self.order or not 0 <= self.order <= 6:
            raise FitError(f"order={self.order!r}: use a whole number from 0 to 6")
        if self.form not in ("diff", "level"):
            raise FitError(f"form={self.form!r} is not known; use 'diff' or 'level'")
        if self.n_starts < 1:
            raise FitError(f"n_starts={self.n_starts!r} must be at least 1")
        if int(self.parameter_draws) != self.parameter_draws or self.parameter_draws < 0:
            raise FitError(
                f"parameter_draws={self.parameter_draws!r}: use 0 (plug-in) or a whole number "
                "of parameter vectors such as 50"
            )
        if int(self.momentum) != self.momentum or not 0 <= self.momentum <= 60:
            raise FitError(
                f"momentum={self.momentum!r}: use 0 (none) or a number of months such as 12"
            )
        if self.momentum and (self.form != "diff" or self.order):
            raise FitError(
                f"momentum={self.momentum} needs form='diff' and order=0 "
                f"(got form={self.form!r}, order={self.order})"
            )

    @property
    def name(self) -> str:
        """Short label, e.g. ``MS(2)-diff`` or ``MS(2)-diff-momentum(12)``."""
        ar = f"-AR({self.order})" if self.order else ""
        mom = f"-momentum({self.momentum})" if self.momentum else ""
        return f"MS({self.k_regimes}){ar}-{self.form}{mom}"

    # ------------------------------------------------------------------ fitting
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
        calendar = shocks if shocks is not None else ShockCalendar()
        z, endog, design, momentum = self._prepare(y, calendar)
        diagnostics: list[str] = []
        design, notes = clean_design(design)
        diagnostics.extend(notes)
        floor = self._variance_floor(y)
        model = self._model(endog.to_numpy(), design, floor, momentum)
        result = self._estimate(model, diagnostics)
        return MarkovResult.from_statsmodels(
            self, y, z, endog, calendar, design, model, result, floor, diagnostics
        )

    def _prepare(
        self, y: pd.Series, calendar: ShockCalendar
    ) -> tuple[pd.Series, pd.Series, pd.DataFrame, np.ndarray | None]:
        """Transformed series, the modelled series (changes or levels), its dummies and the
        momentum regressor (``None`` without momentum)."""
        z = self.scale.to_unbounded(y) if self.scale is not None else y.copy()
        design = calendar.design(y.index, by=self.shocks_by)
        if self.form == "diff":
            return z, *self._with_momentum(z.diff().iloc[1:], design.diff().iloc[1:])
        return z, z, design, None

    def _with_momentum(
        self, endog: pd.Series, design: pd.DataFrame
    ) -> tuple[pd.Series, pd.DataFrame, np.ndarray | None]:
        """The momentum regressor (mean of the previous ``momentum`` changes), with the first
        ``momentum`` months dropped from the estimation span; unchanged without momentum."""
        m = self.momentum
        if not m:
            return endog, design, None
        if len(endog) < m + 36:
            raise FitError(
                f"momentum={m} leaves {len(endog) - m} months to estimate on; "
                f"give at least {m + 37} months or a shorter momentum"
            )
        regressor = endog.rolling(m).mean().shift(1).to_numpy()[m:]
        return endog.iloc[m:], design.iloc[m:], regressor

    def _variance_floor(self, y: pd.Series) -> float:
        if self.scale is None:
            return 0.0
        rounding = self.scale.resolution**2 / 12.0 * (2.0 if self.form == "diff" else 1.0)
        u = (float(np.median(y)) - self.scale.centre) / self.scale.half_width
        slope = 1.0 / (1.0 - min(u * u, 0.99))
        return rounding * slope**2

    def _model(
        self,
        endog: np.ndarray,
        design: pd.DataFrame,
        floor: float,
        momentum: np.ndarray | None = None,
    ):
        columns = [design.to_numpy()] if design.shape[1] else []
        switching_exog: bool | list[bool] = self.switching_exog
        if momentum is not None:
            columns.append(momentum[:, None])
            switching_exog = [self.switching_exog] * design.shape[1] + [True]
        exog = np.column_stack(columns) if columns else None
        common = dict(
            k_regimes=self.k_regimes,
            trend="c",
            exog=exog,
            switching_variance=self.switching_variance,
        )
        if self.order == 0:
            cls = _FlooredRegression if floor > 0 else MarkovRegression
            model = cls(endog, switching_exog=switching_exog, **common)
        else:
            cls = _FlooredAutoregression if floor > 0 else MarkovAutoregression
            model = cls(
                endog,
                order=self.order,
                switching_ar=self.switching_ar,
                switching_exog=self.switching_exog,
                **common,
            )
        if floor > 0:
            model.variance_floor = floor
        return model

    def _starts(self, model) -> list[np.ndarray]:
        base = np.asarray(model.start_params, dtype=float)
        if getattr(model, "variance_floor", 0.0) > 0:
            idx = model.parameters["variance"]
            base[idx] = np.maximum(base[idx], 2.0 * model.variance_floor)
        rng = np.random.default_rng(self.seed)
        starts = [base]
        unconstrained = model.untransform_params(base)
        for _ in range(self.n_starts - 1):
            jitter = rng.normal(0.0, 0.5, size=unconstrained.shape)
            starts.append(model.transform_params(unconstrained + jitter))
        return starts

    def _estimate(self, model, diagnostics: list[str]):
        best = None
        failures = 0
        notes: list[str] = []
        with capture_warnings(notes):  # untransforming AR starts can warn at |r| ~ 1
            starts = self._starts(model)
        diagnostics.extend(f"start values: {m}" for m in notes)
        for i, start in enumerate(starts):
            local: list[str] = []
            try:
                with capture_warnings(local):
                    res = model.fit(
                        start_params=start, em_iter=0 if i else 5, maxiter=200, disp=False
                    )
            except (np.linalg.LinAlgError, ValueError, FloatingPointError, RuntimeError) as exc:
                failures += 1
                diagnostics.append(f"start {i}: estimation failed ({exc})")
                continue
            if not np.isfinite(res.llf) or not np.all(np.isfinite(res.params)):
                failures += 1
                diagnostics.append(f"start {i}: non-finite likelihood or parameters")
                continue
            diagnostics.extend(f"start {i}: {m}" for m in local if m not in diagnostics)
            if best is None or res.llf > best.llf + 1e-9:
                best = res
        if best is None:
            why = (
                " — on a level that wanders like a random walk the AR coefficient runs to the "
                "unit-root bound"
                if self.form == "level" and self.order
                else ""
            )
            raise FitError(
                f"{self.name}: all {self.n_starts} starts failed ({failures} failures){why}; "
                "try fewer regimes, a lower order, or form='diff'"
            )
        return best


def _regime_names(k: int, by_variance: bool) -> list[str]:
    if by_variance and k == 2:
        return ["calm", "turbulent"]
    if by_variance and k == 3:
        return ["calm", "moderate", "turbulent"]
    return [f"regime {i + 1}" for i in range(k)]


@dataclass
class MarkovResult(LikelihoodResult, PathSimulator):
    """A fitted :class:`MarkovSwitching` model (regimes relabelled, row-stochastic transitions).

    Attributes
    ----------
    params : pd.Series
        Named estimates: ``mean[calm]``, ``sigma2[calm]``, ``ar.L1[...]``, shock effects,
        ``p[calm->turbulent]``...
    transition_matrix : pd.DataFrame
        Row-stochastic: ``loc[i, j] = P(next regime j | regime i)``.
    diagnostics : list of str
        Failed starts, captured warnings, regimes at the variance floor, dropped shocks.
    """

    spec: MarkovSwitching
    series: pd.Series
    z: pd.Series = field(repr=False)
    endog: pd.Series = field(repr=False)
    calendar: ShockCalendar
    design_columns: list[str]
    result: object = field(repr=False)
    regime_names: list[str]
    mean: np.ndarray
    sigma2: np.ndarray
    ar: np.ndarray
    beta: np.ndarray
    transition: np.ndarray
    last_regimes: np.ndarray = field(repr=False)
    perm: np.ndarray = field(repr=False)
    variance_floor: float = 0.0
    diagnostics: list[str] = field(default_factory=list)
    momentum_coef: np.ndarray | None = field(default=None, repr=False)
    _covariance: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def from_statsmodels(
        cls, spec, y, z, endog, calendar, design, model, res, floor, diagnostics
    ) -> MarkovResult:
        """Extract, relabel and convert a statsmodels result."""
        k, p, m = spec.k_regimes, spec.order, design.shape[1]
        params = np.asarray(res.params)
        pars = model.parameters
        mean = np.empty(k)
        beta = np.zeros((k, m))
        sigma2 = np.empty(k)
        ar = np.zeros((k, p))
        gamma = np.zeros(k)
        for i in range(k):
            ex = params[pars[i, "exog"]]
            mean[i], beta[i] = ex[0], ex[1 : 1 + m]
            if spec.momentum:
                gamma[i] = ex[1 + m]
            sigma2[i] = np.atleast_1d(params[pars[i, "variance"]])[0]
            if p:
                ar[i] = params[pars[i, "autoregressive"]]
        left = np.asarray(res.regime_transition)[..., -1]  # P[to, from]: columns sum to 1
        by_variance = spec.switching_variance
        key = sigma2 if by_variance else mean
        perm = np.argsort(key, kind="stable")  # new label j <- old label perm[j]
        transition = left.T[np.ix_(perm, perm)]  # row-stochastic, relabelled
        if p == 0:
            filtered = np.asarray(res.filtered_marginal_probabilities)[-1]
            last = filtered[perm][:, None]
        else:
            # axes: S_T, S_{T-1}, ..., S_{T-p}
            last = np.asarray(res.filtered_joint_probabilities)[..., -1]
            for axis in range(p + 1):
                last = np.take(last, perm, axis=axis)
        names = _regime_names(k, by_variance)
        if floor > 0:
            at_floor = [names[j] for j in range(k) if sigma2[perm][j] < floor * 1.001]
            if at_floor:
                diagnostics.append(
                    f"regime(s) {', '.join(at_floor)} sit at the resolution variance floor "
                    f"({floor:.2e}): those months are unchanged up to rounding"
                )
        return cls(
            spec=spec,
            series=y,
            z=z,
            endog=endog,
            calendar=calendar,
            design_columns=list(design.columns),
            result=res,
            regime_names=names,
            mean=mean[perm],
            sigma2=sigma2[perm],
            ar=ar[perm],
            beta=beta[perm],
            transition=transition,
            last_regimes=last,
            perm=perm,
            variance_floor=floor,
            diagnostics=diagnostics,
            momentum_coef=gamma[perm],
        )

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
        """P(regime | all data) per month (months x regimes)."""
        probs = np.asarray(self.result.smoothed_marginal_probabilities)[:, self.perm]
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
        """Asymptotic covariance of the estimates in statsmodels' unconstrained parameters.

        The inverse of the numerically differentiated negative Hessian of the log-likelihood;
        a Hessian that is not negative definite (a flat direction) is repaired by clipping
        negative eigenvalues of the covariance to 0, with a note in ``diagnostics``.
        """
        if self._covariance is not None:
            return self._covariance
        model = self.result.model
        theta = model.untransform_params(np.asarray(self.result.params))

        def loglike(u: np.ndarray) -> float:
            try:
                return model.loglike(u, transformed=False)
            except RuntimeError:  # no steady state for a perturbed transition matrix
                return np.nan

        with capture_warnings([]):
            hess = approx_hess2(theta, loglike)
        if not np.all(np.isfinite(hess)):
            self.diagnostics.append(
                "the log-likelihood cannot be evaluated next to the estimate (a transition "
                "probability at 0 or 1); parameter draws fall back to the estimates"
            )
            self._covariance = np.zeros((theta.size, theta.size))
            return self._covariance
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError:
            cov = np.linalg.pinv(-hess)
        cov = (cov + cov.T) / 2
        if not np.all(np.isfinite(cov)) or np.linalg.eigvalsh(cov).min() < 0:
            cov = np.where(np.isfinite(cov), cov, 0.0)
            self.diagnostics.append(
                "the log-likelihood is flat or not concave in some direction at the estimate; "
                "parameter draws ignore that direction"
            )
            root = sqrt_psd(cov)
            cov = root @ root.T
        self._covariance = cov
        return cov

    def parameter_draws(self, m: int, rng: np.random.Generator) -> list[MarkovResult]:
        """``m`` fitted models with parameters drawn from the estimates' asymptotic
        distribution (unconstrained parameterisation), each with its own regime filter."""
        model = self.result.model
        theta = model.untransform_params(np.asarray(self.result.params))
        root = sqrt_psd(self.parameter_covariance())
        design = pd.DataFrame(
            self._history_design(), index=self.endog.index, columns=self.design_columns
        )
        out = []
        replaced = 0
        for u in theta + rng.standard_normal((m, theta.size)) @ root.T:
            with capture_warnings([]):
                try:
                    res = model.filter(model.transform_params(u))
                except RuntimeError:  # a drawn transition matrix without a steady state
                    res, replaced = self.result, replaced + 1
            draw = MarkovResult.from_statsmodels(
                self.spec,
                self.series,
                self.z,
                self.endog,
                self.calendar,
                design,
                model,
                res,
                self.variance_floor,
                [],
            )
            out.append(draw)
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

    def update(self, series: pd.Series) -> MarkovResult:
        """The same parameters applied to new data (no re-estimation): the regime filter is run
        through the new observations. Used between refits in rolling backtests."""
        spec = self.spec
        y = prepare_series(series, spec.scale, window=spec.window, what=spec.name)
        z, endog, design, momentum = spec._prepare(y, self.calendar)
        design = design[self.design_columns]
        model = spec._model(endog.to_numpy(), design, self.variance_floor, momentum)
        local: list[str] = []
        with capture_warnings(local):
            res = model.smooth(np.asarray(self.result.params))
        note = f"parameters estimated on data to {self.series.index[-1]}, applied to new data"
        updated = MarkovResult.from_statsmodels(
            spec,
            y,
            z,
            endog,
            self.calendar,
            design,
            model,
            res,
            self.variance_floor,
            [*self.diagnostics, note, *local],
        )
        updated._covariance = self._covariance  # same estimates, same covariance
        return updated

    def shock_effects(self) -> pd.DataFrame:
        """Effect of each fitted shock column (transformed units; averaged over regimes)."""
        return shock_effect_table(
            self.calendar,
            self.spec.shocks_by,
            self.design_columns,
            [float(v) for v in self.beta.mean(axis=0)],
        )

    def _history_design(self) -> np.ndarray:
        if not self.design_columns:
            return np.zeros((len(self.endog), 0))
        design = self.calendar.design(self.series.index, by=self.spec.shocks_by)
        if self.spec.form == "diff":
            design = design.diff().iloc[1:]
        return design[self.design_columns].to_numpy()[-len(self.endog) :]

    def _future_design(self, index: pd.PeriodIndex) -> np.ndarray:
        if not self.design_columns:
            return np.zeros((len(index), 0))
        span = index.insert(0, self.series.index[-1]) if self.spec.form == "diff" else index
        design = self.calendar.design(pd.PeriodIndex(span), by=self.spec.shocks_by)
        if self.spec.form == "diff":
            design = design.diff().iloc[1:]
        return design[self.design_columns].to_numpy()
