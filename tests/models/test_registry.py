"""The model registry: one table behind the CLI help, make_model and the auto pool."""

import importlib

import pytest

import relforecast as rf
from relforecast.cli.main import main
from relforecast.models import registry
from relforecast.models.base import Model
from relforecast.scale import parse_scale

backtest = importlib.import_module("relforecast.evaluation.backtest")  # rf.backtest is the function


def test_every_name_makes_a_fresh_specification():
    for name in registry.MODELS:
        a, b = registry.make_model(name), registry.make_model(name)
        assert isinstance(a, Model) and a == b and (a is not b or name == "auto")
    assert isinstance(registry.make_model("auto"), rf.Auto)
    assert registry.make_model("arima110") == rf.ARIMA(order=(1, 1, 0), window=240)
    assert registry.make_model("rw-gauss") == rf.RandomWalk("gaussian", window=120)


def test_published_names_are_the_cli_contract():
    assert registry.model_names(published=True) == ("auto", "arima", "markov", "block")
    assert set(registry.model_names()) >= {"rw-gauss", "rw-boot", "arima110", "arima111"}


def test_unknown_name_is_a_spec_error_listing_the_names():
    with pytest.raises(rf.SpecError, match=r"model 'prophet' is not known; use one of auto, "):
        registry.make_model("prophet")
    assert backtest.make_model is registry.make_model


def test_the_auto_pool_is_the_registrys_pool():
    pool = registry.pool_models()
    assert rf.Auto().components == pool
    assert pool == (
        rf.Sticky(rf.ARIMA(order=(1, 1, 1), window=240, innovations="bootstrap")),
        rf.Sticky(rf.ARIMA(order=(1, 1, 0), window=240, innovations="bootstrap")),
        rf.Sticky(rf.MarkovSwitching(k_regimes=2, form="diff", momentum=12, window=240)),
        rf.BlockBootstrap(window=240, block=12),
        rf.BlockBootstrap(window=120, block=12),
        rf.BlockBootstrap(window=120, block=1),
    )
    for member, spec in zip(registry.POOL, pool, strict=True):  # every member has its name
        inner = spec.model if member.in_steps else spec
        assert inner == registry.make_model(member.name)
    summary = registry.MODELS["auto"].summary
    assert summary.startswith(
        "linear pool of arima111-boot in steps, arima110-boot in steps, markov in steps, block, "
        "block120, iid120, spread widened when recent replays missed (a continuous score, "
        "--scale without a step: ar-level, climatology, arima-boot, arima011-boot, spread "
        "recalibrated); "
    )


def test_a_continuous_score_gets_the_mean_reverting_pool():
    scale = parse_scale("-10:10")
    pool = rf.Auto(scale=scale)
    assert pool.components == (
        rf.ARLevel(window=120, scale=scale),
        rf.Climatology(window=60, scale=scale),
        rf.ARIMA(order="auto", window=240, scale=scale, innovations="bootstrap"),
        rf.ARIMA(order=(0, 1, 1), window=240, scale=scale, innovations="bootstrap"),
    )
    assert pool.adapt == rf.Adaptation(shrink=0.25)
    assert pool.recalibrate == rf.Recalibration(shrink=0.5)
    # the name means the same pool from the registry, and a default pool moved to another
    # scale is that scale's default pool (not the grid members on a continuous scale)
    assert registry.make_model("auto", scale=scale) == pool
    assert registry.with_scale(rf.Auto(), scale) == pool
    assert registry.with_scale(pool, rf.TSINGHUA_SCALE) == rf.Auto()
    # the Tsinghua pool only widens its spread, to a coverage target; given members get the
    # plain defaults
    assert rf.Auto().recalibrate == rf.Recalibration(shrink=0.0, narrow=False, cover=0.8)
    own = rf.Auto([rf.ARIMA(scale=scale)])
    assert own.adapt == rf.Adaptation() and own.recalibrate is None
    # a customised pool keeps its settings on another scale
    custom = rf.Auto(adapt=rf.Adaptation(shrink=0.0))
    moved = registry.with_scale(custom, scale)
    assert moved.adapt.shrink == 0.0 and len(moved.components) == 6


def test_cli_help_lists_the_registry(capsys):
    assert main(["backtest", "--help"]) == 0
    text = "".join(capsys.readouterr().out.split())  # click wraps lines (even at hyphens)
    for name, entry in registry.MODELS.items():
        assert "".join(f"{name}: {entry.summary}".split()) in text
    assert main(["forecast", "--help"]) == 0
    assert "[auto|arima|markov|block]" in capsys.readouterr().out
    assert main(["forecast", "--model", "rw-gauss"]) == 2
    assert "'rw-gauss' is not one of" in capsys.readouterr().err
