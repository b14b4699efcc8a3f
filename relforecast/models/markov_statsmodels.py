"""The statsmodels side of the regime-switching model: data, estimation, relabelling, draws.

:class:`MarkovAdaptor` is the only code that talks to statsmodels' ``MarkovRegression`` and
``MarkovAutoregression``. It turns a score series into the modelled series and its regressors
(:class:`MarkovData`), builds the statsmodels model (with the variance floor), estimates it from
several starts, and reads a statsmodels result into one record of parameters
(:class:`MarkovParameters`): relabelled regimes (calm first) and the transition matrix converted
**once**, here, from statsmodels' left-stochastic convention (columns sum to 1) to the
row-stochastic one used everywhere in relforecast. It also refilters given parameters on new
data, and gives the asymptotic covariance and the parameter draws used for parameter
uncertainty. The method is described in :mod:`relforecast.models.markov`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd
from statsmodels.tools.numdiff import approx_hess2
from statsmodels.tsa.regime_switching.markov_autoregression import MarkovAutoregression
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression
from statsmodels.tsa.regime_switching.markov_switching import MarkovSwitching

from relforecast.data import MIN_MONTHS
from relforecast.exceptions import FitError
from relforecast.models.base import capture_warnings, clean_design, sqrt_psd
from relforecast.scale import Scale
from relforecast.shocks import ShockCalendar

__all__ = ["MarkovAdaptor", "MarkovData", "MarkovParameters", "MarkovSettings", "variance_floor"]

EM_STEPS = 5
"""EM steps that improve every start before the quasi-Newton search."""

BFGS_GTOL = 1e-5
"""Tolerance of the quasi-Newton search on the largest gradient component of the mean
log-likelihood per month (statsmodels' default; the likelihood can be flat far from its
maximum, where a looser tolerance stops the search short)."""


ESTIMATION_CHANGES = 36
"""Monthly changes a model with momentum is estimated on, at least, after those that start it."""


def months_needed(momentum: int) -> int:
    """Months of scores a model with ``momentum`` needs: its first change, ``momentum`` changes
    that start the regressor and :data:`ESTIMATION_CHANGES` to estimate on."""
    return 1 + momentum + ESTIMATION_CHANGES


def too_short_for_momentum(name: object, months: int, label: str, momentum: int) -> str:
    """Why ``months`` months of the series ``name`` are too few for the model ``label`` with
    ``momentum``, and what each user can do (the command line cannot set the momentum)."""
    return (
        f"series {str(name)!r} has {months} months, too short for {label}, which needs at least "
        f"{months_needed(momentum)} months: {momentum} of its monthly changes start its "
        f"momentum (the mean change of the previous {momentum} months) and {ESTIMATION_CHANGES} "
        "more are estimated on; use a longer span or another model (CLI: --model arima or "
        "block), or in Python a shorter momentum (rf.MarkovSwitching(momentum=M) needs "
        f"{months_needed(0)} + M months; momentum=0, none, needs {MIN_MONTHS})"
    )


class MarkovSettings(Protocol):
    """The settings of a regime-switching specification that the adaptor reads
    (:class:`relforecast.models.markov.MarkovSwitching` holds them; see it for their meaning)."""

    @property
    def k_regimes(self) -> int: ...
    @property
    def order(self) -> int: ...
    @property
    def form(self) -> str: ...
    @property
    def switching_variance(self) -> bool: ...
    @property
    def switching_ar(self) -> bool: ...
    @property
    def switching_exog(self) -> bool: ...
    @property
    def scale(self) -> Scale: ...
    @property
    def n_starts(self) -> int: ...
    @property
    def shocks_by(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def momentum(self) -> int: ...
    @property
    def name(self) -> str: ...


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

    def _em_iteration(self, params0: np.ndarray) -> tuple[Any, np.ndarray]:
        # the M-step of a variance maximises -sum w (log s2 + r^2 / s2) / 2, unimodal in s2:
        # under the floor its maximiser is the weighted mean square or the floor, the larger
        result, params1 = super()._em_iteration(params0)
        idx = self.parameters["variance"]
        params1[idx] = np.maximum(params1[idx], self.variance_floor)
        return result, params1


class _DirectTransition(MarkovSwitching):
    """The transition probabilities' transform and steady state in plain numpy.

    statsmodels computes the logistic transform with ``scipy.special.logsumexp``, whose
    array-API dispatch costs ~0.3 ms a call, and the steady-state (ergodic) probabilities that
    start the filter with a pseudo-inverse (an SVD) — together half of a regime-switching fit,
    which does both at every likelihood evaluation. Here the same stable logistic formula
    (shift by the real maximum) and the steady state as the solution of ``(I - P) pi = 0``,
    ``sum(pi) = 1`` by one linear solve (one equation of the singular system replaced by the
    sum), closed form for two regimes. The system is consistent, so the pseudo-inverse's
    least-squares answer is this exact solution: the two agree to rounding. Complex input is
    kept (no conjugation anywhere), so complex-step derivatives still work.
    """

    @cached_property
    def _transition_index(self) -> np.ndarray:
        """Row i: where the logits of leaving regime i for regimes 0..k-2 sit in the
        parameter vector (the logit for the last regime is 0)."""
        return np.array([self.parameters[i, "regime_transition"] for i in range(self.k_regimes)])

    def transform_params(self, unconstrained: np.ndarray) -> np.ndarray:
        if self.tvtp:
            return super().transform_params(unconstrained)
        constrained = np.array(unconstrained, copy=True)
        constrained = constrained.astype(np.promote_types(np.float64, constrained.dtype))
        idx = self._transition_index
        logits = constrained[idx]
        shift = np.maximum(logits.real.max(axis=1), 0.0)[:, None]
        log_total = shift + np.log(np.exp(-shift) + np.exp(logits - shift).sum(axis=1)[:, None])
        constrained[idx] = np.exp(logits - log_total)
        return constrained

    def initial_probabilities(
        self, params: np.ndarray, regime_transition: np.ndarray | None = None
    ) -> np.ndarray:
        if self._initialization != "steady-state":
            return super().initial_probabilities(params, regime_transition)
        if regime_transition is None:
            regime_transition = self.regime_transition_matrix(params)
        if regime_transition.ndim == 3:
            regime_transition = regime_transition[..., 0]
        left = regime_transition  # statsmodels' convention: column j is "from regime j"
        if left.shape[0] == 2:
            leave_0, leave_1 = left[1, 0], left[0, 1]
            if not (leave_0 + leave_1).real > 0.0:  # both regimes absorbing: no unique state
                return super().initial_probabilities(params, regime_transition)
            probabilities = np.array([leave_1, leave_0]) / (leave_0 + leave_1)
        else:
            m = left.shape[0]
            system = np.eye(m) - left
            system[-1, :] = 1.0
            rhs = np.zeros(m, dtype=system.dtype)
            rhs[-1] = 1.0
            try:
                probabilities = np.linalg.solve(system, rhs)
            except np.linalg.LinAlgError:  # absorbing regimes: no unique steady state
                return super().initial_probabilities(params, regime_transition)
        return np.maximum(probabilities, 1e-20)


class _FlooredRegression(_FlooredVariance, MarkovRegression, _DirectTransition):
    pass


class _FlooredAutoregression(_FlooredVariance, MarkovAutoregression, _DirectTransition):
    pass


def variance_floor(spec: MarkovSettings, y: pd.Series) -> float:
    """The smallest regime variance the published resolution can resolve, on the transformed
    scale at the median score of ``y`` (0 without a grid: no resolution to resolve)."""
    if spec.scale.step is None:
        return 0.0
    rounding = spec.scale.step**2 / 12.0 * (2.0 if spec.form == "diff" else 1.0)
    u = (float(np.median(y)) - spec.scale.centre) / spec.scale.half_width
    slope = 1.0 / (1.0 - min(u * u, 0.99))
    return rounding * slope**2


def regime_names(k: int, by_variance: bool) -> list[str]:
    """``calm``/``turbulent`` names when regimes are ordered by variance, else numbers."""
    if by_variance and k == 2:
        return ["calm", "turbulent"]
    if by_variance and k == 3:
        return ["calm", "moderate", "turbulent"]
    return [f"regime {i + 1}" for i in range(k)]


@dataclass(frozen=True)
class MarkovData:
    """One span of data as the model sees it.

    Attributes
    ----------
    z : pd.Series
        The transformed score.
    endog : pd.Series
        The modelled series: monthly changes of ``z`` (diff form; without the first
        ``momentum`` of them, which only start the momentum regressor) or ``z`` (level form).
    exog : pd.DataFrame
        The shock dummies over ``endog``'s months (their changes in the diff form).
    momentum : ndarray or None
        The momentum regressor (mean of the previous ``momentum`` changes), if any.
    notes : list of str
        Why dummy columns were dropped (when the columns were chosen on this span).
    """

    z: pd.Series
    endog: pd.Series
    exog: pd.DataFrame
    momentum: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """The dummy columns that enter the model."""
        return list(self.exog.columns)


@dataclass(frozen=True)
class MarkovParameters:
    """One parameter record of a fitted regime-switching model, regimes relabelled.

    Attributes
    ----------
    regime_names : list of str
    mean, sigma2 : ndarray, shape (k,)
        Intercept and innovation variance of each regime.
    ar : ndarray, shape (k, p)
        Autoregressive coefficients.
    beta : ndarray, shape (k, m)
        Shock effects (one column per dummy).
    momentum : ndarray, shape (k,)
        Coefficient of the momentum regressor (zeros without momentum).
    transition : ndarray, shape (k, k)
        Row-stochastic: ``transition[i, j] = P(S_t = j | S_{t-1} = i)``.
    last_regimes : ndarray
        P(S_T, S_{T-1}, ..., S_{T-p} | data): filtered probabilities at the end of the sample.
    perm : ndarray of int
        Relabelling: new regime ``j`` is statsmodels' regime ``perm[j]``.
    """

    regime_names: list[str]
    mean: np.ndarray
    sigma2: np.ndarray
    ar: np.ndarray
    beta: np.ndarray
    momentum: np.ndarray
    transition: np.ndarray
    last_regimes: np.ndarray
    perm: np.ndarray


class MarkovAdaptor:
    """A :class:`~relforecast.models.markov.MarkovSwitching` specification on statsmodels.

    Parameters
    ----------
    spec : MarkovSettings
        A :class:`~relforecast.models.markov.MarkovSwitching`, read for its public settings
        (regimes, order, form, switching, momentum, starts).
    floor : float
        The variance floor (:func:`variance_floor` of the fitting span), kept when the
        estimates are applied to new data.
    """

    def __init__(self, spec: MarkovSettings, floor: float) -> None:
        self.spec = spec
        self.floor = floor

    # ------------------------------------------------------------------- data
    def data(
        self, y: pd.Series, calendar: ShockCalendar, columns: list[str] | None = None
    ) -> MarkovData:
        """The modelled series and regressors of ``y``; dummy columns are chosen on this span
        (:func:`~relforecast.models.base.clean_design`) unless ``columns`` are given."""
        spec = self.spec
        z = spec.scale.to_unbounded(y)
        design = calendar.design(y.index, by=spec.shocks_by)
        momentum = None
        if spec.form == "diff":
            endog, design = z.diff().iloc[1:], design.diff().iloc[1:]
            endog, design, momentum = self._with_momentum(endog, design)
        else:
            endog = z
        if columns is None:
            design, notes = clean_design(design)
        else:
            design, notes = design[columns], []
        return MarkovData(z, endog, design, momentum, notes)

    def _with_momentum(
        self, endog: pd.Series, design: pd.DataFrame
    ) -> tuple[pd.Series, pd.DataFrame, np.ndarray | None]:
        """The momentum regressor (mean of the previous ``momentum`` changes), with the first
        ``momentum`` months dropped from the estimation span; unchanged without momentum."""
        m = self.spec.momentum
        if not m:
            return endog, design, None
        if len(endog) + 1 < months_needed(m):
            raise FitError(too_short_for_momentum(endog.name, len(endog) + 1, self.spec.name, m))
        regressor = endog.rolling(m).mean().shift(1).to_numpy()[m:]
        return endog.iloc[m:], design.iloc[m:], regressor

    # ------------------------------------------------------------------ model
    def model(self, data: MarkovData) -> Any:
        """The statsmodels model of ``data`` (floored variances on a bounded scale)."""
        spec, floor = self.spec, self.floor
        design = data.exog
        columns = [design.to_numpy()] if design.shape[1] else []
        switching_exog: bool | list[bool] = spec.switching_exog
        if data.momentum is not None:
            columns.append(data.momentum[:, None])
            switching_exog = [spec.switching_exog] * design.shape[1] + [True]
        exog = np.column_stack(columns) if columns else None
        common = dict(
            k_regimes=spec.k_regimes,
            trend="c",
            exog=exog,
            switching_variance=spec.switching_variance,
        )
        endog = data.endog.to_numpy()
        if spec.order == 0:
            cls = _FlooredRegression if floor > 0 else MarkovRegression
            model = cls(endog, switching_exog=switching_exog, **common)
        else:
            cls = _FlooredAutoregression if floor > 0 else MarkovAutoregression
            model = cls(
                endog,
                order=spec.order,
                switching_ar=spec.switching_ar,
                switching_exog=spec.switching_exog,
                **common,
            )
        if floor > 0:
            model.variance_floor = floor
        return model

    def _starts(self, model: Any) -> list[np.ndarray]:
        base = np.asarray(model.start_params, dtype=float)
        if getattr(model, "variance_floor", 0.0) > 0:
            idx = model.parameters["variance"]
            base[idx] = np.maximum(base[idx], 2.0 * model.variance_floor)
        rng = np.random.default_rng(self.spec.seed)
        starts = [base]
        unconstrained = model.untransform_params(base)
        for _ in range(self.spec.n_starts - 1):
            jitter = rng.normal(0.0, 0.5, size=unconstrained.shape)
            starts.append(model.transform_params(unconstrained + jitter))
        return starts

    def estimate(self, model: Any, diagnostics: list[str]) -> Any:
        """Maximum likelihood from ``n_starts`` starts; the highest likelihood wins.

        Raises
        ------
        FitError
            When every start fails, with the likely cause.
        """
        spec = self.spec
        best = None
        failures = 0
        notes: list[str] = []
        with capture_warnings(notes):  # untransforming AR starts can warn at |r| ~ 1
            starts = self._starts(model)
        diagnostics.extend(f"start values: {m}" for m in notes)
        best_llf = -np.inf
        for i, start in enumerate(starts):
            local: list[str] = []
            try:
                with capture_warnings(local):
                    params = model.fit(
                        start_params=start,
                        em_iter=EM_STEPS,
                        maxiter=200,
                        gtol=BFGS_GTOL,
                        disp=False,
                        return_params=True,
                    )
                    llf = model.loglike(params)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError, RuntimeError) as exc:
                failures += 1
                diagnostics.append(f"start {i}: estimation failed ({exc})")
                continue
            if not np.isfinite(llf) or not np.all(np.isfinite(params)):
                failures += 1
                diagnostics.append(f"start {i}: non-finite likelihood or parameters")
                continue
            diagnostics.extend(f"start {i}: {m}" for m in local if m not in diagnostics)
            if best is None or llf > best_llf + 1e-9:
                best, best_llf = params, llf
        if best is None:
            why = (
                " — on a level that wanders like a random walk the AR coefficient runs to the "
                "unit-root bound"
                if spec.form == "level" and spec.order
                else ""
            )
            raise FitError(
                f"{spec.name}: all {spec.n_starts} starts failed ({failures} failures){why}; "
                "try fewer regimes, a lower order, or form='diff'"
            )
        # only the winner is smoothed and given its statsmodels covariance
        with capture_warnings(diagnostics):
            return model.smooth(best, cov_type="approx")

    def apply(self, model: Any, params: np.ndarray, diagnostics: list[str]) -> Any:
        """The smoothed result of ``model`` at given parameters (nothing estimated)."""
        with capture_warnings(diagnostics):  # statsmodels' covariance is not used here
            return model.smooth(np.asarray(params), cov_type="none")

    def filter(self, model: Any, params: np.ndarray, diagnostics: list[str]) -> Any:
        """The filtered result of ``model`` at given parameters (nothing estimated, no
        smoothing): enough to forecast, which starts from the filtered regimes of the last
        month."""
        with capture_warnings(diagnostics):
            return model.filter(np.asarray(params), cov_type="none")

    # ------------------------------------------------------------- parameters
    def parameters(self, res: Any, n_columns: int, diagnostics: list[str]) -> MarkovParameters:
        """Read, relabel (calm first) and convert a statsmodels result.

        Regimes are ordered by variance when variances switch, by mean otherwise; a regime at
        the variance floor is noted in ``diagnostics``.
        """
        spec = self.spec
        k, p, m = spec.k_regimes, spec.order, n_columns
        params = np.asarray(res.params)
        pars = res.model.parameters
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
        names = regime_names(k, by_variance)
        if self.floor > 0:
            at_floor = [names[j] for j in range(k) if sigma2[perm][j] < self.floor * 1.001]
            if at_floor:
                diagnostics.append(
                    f"regime(s) {', '.join(at_floor)} sit at the resolution variance floor "
                    f"({self.floor:.2e}): those months are unchanged up to rounding"
                )
        return MarkovParameters(
            regime_names=names,
            mean=mean[perm],
            sigma2=sigma2[perm],
            ar=ar[perm],
            beta=beta[perm],
            momentum=gamma[perm],
            transition=transition,
            last_regimes=last,
            perm=perm,
        )

    # -------------------------------------------------- parameter uncertainty
    def covariance(self, res: Any, diagnostics: list[str]) -> np.ndarray:
        """Asymptotic covariance of the estimates in statsmodels' unconstrained parameters.

        The inverse of the numerically differentiated negative Hessian of the log-likelihood;
        a Hessian that is not negative definite (a flat direction) is repaired by clipping
        negative eigenvalues of the covariance to 0, with a note in ``diagnostics``.
        """
        model = res.model
        theta = model.untransform_params(np.asarray(res.params))

        def loglike(u: np.ndarray) -> float:
            try:
                return model.loglike(u, transformed=False)
            except RuntimeError:  # no steady state for a perturbed transition matrix
                return np.nan

        with capture_warnings([]):
            hess = approx_hess2(theta, loglike)
        if not np.all(np.isfinite(hess)):
            diagnostics.append(
                "the log-likelihood cannot be evaluated next to the estimate (a transition "
                "probability at 0 or 1); parameter draws fall back to the estimates"
            )
            return np.zeros((theta.size, theta.size))
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError:
            cov = np.linalg.pinv(-hess)
        cov = (cov + cov.T) / 2
        if not np.all(np.isfinite(cov)) or np.linalg.eigvalsh(cov).min() < 0:
            cov = np.where(np.isfinite(cov), cov, 0.0)
            diagnostics.append(
                "the log-likelihood is flat or not concave in some direction at the estimate; "
                "parameter draws ignore that direction"
            )
            root = sqrt_psd(cov)
            cov = root @ root.T
        return cov

    def draws(
        self, res: Any, cov: np.ndarray, m: int, rng: np.random.Generator
    ) -> tuple[list[Any], int]:
        """``m`` filtered results at parameters drawn from ``N(theta, cov)`` in the
        unconstrained parameterisation, and how many draws (without a steady state) were
        replaced by the estimate."""
        model = res.model
        theta = model.untransform_params(np.asarray(res.params))
        root = sqrt_psd(cov)
        out = []
        replaced = 0
        for u in theta + rng.standard_normal((m, theta.size)) @ root.T:
            with capture_warnings([]):
                try:
                    drawn = model.filter(model.transform_params(u))
                except RuntimeError:  # a drawn transition matrix without a steady state
                    drawn, replaced = res, replaced + 1
            out.append(drawn)
        return out, replaced
