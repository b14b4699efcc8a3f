"""The ``relforecast`` command: the group and its commands, and errors as one line.

Each command lives in a module of its own (``forecast``, ``outlook``, ``backtest``,
``evaluate``, ``events``, ``record``, ``update``), registered here. Errors print one line on
stderr and exit non-zero, never a traceback::

    relforecast forecast                       # the embedded synthetic demo
    relforecast forecast data.csv --dyad Japan --shocks shocks.yaml --format json
"""

from __future__ import annotations

import signal
import sys

import click

from relforecast._blas import single_blas_thread
from relforecast._version import __version__
from relforecast.cli.backtest import backtest
from relforecast.cli.evaluate import evaluate
from relforecast.cli.events import events as events_command
from relforecast.cli.forecast import forecast
from relforecast.cli.outlook import outlook
from relforecast.cli.outlook_spec import one_line as _one_line
from relforecast.cli.record import record
from relforecast.cli.update import update as update_command
from relforecast.exceptions import RelforecastError, Terminated, sigterm_unwinds

__all__ = ["cli", "main", "run"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="relforecast")
def cli() -> None:
    """Forecast monthly bilateral relation scores (Tsinghua scale, -9 ... 9)."""


for _command in (forecast, outlook, backtest, evaluate, events_command, record, update_command):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning every error into one line on stderr."""
    try:
        # many small matrix products: BLAS threads only cost (blas.py)
        with sigterm_unwinds(), single_blas_thread():
            cli.main(args=argv, prog_name="relforecast", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, Terminated) or isinstance(exc.__context__, Terminated):
            click.echo("relforecast: terminated", err=True)
            return 128 + signal.SIGTERM
        click.echo("relforecast: aborted", err=True)
        return 130
    except Terminated:
        click.echo("relforecast: terminated", err=True)
        return 128 + signal.SIGTERM
    except click.ClickException as exc:
        click.echo(f"relforecast: error: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    except RelforecastError as exc:
        click.echo(f"relforecast: error: {_one_line(exc)}", err=True)
        return 1
    except (OSError, ValueError) as exc:
        click.echo(f"relforecast: error: {_one_line(exc)}", err=True)
        return 1
    except Exception as exc:  # last resort: still one line, never a traceback
        click.echo(
            f"relforecast: internal error ({type(exc).__name__}): {_one_line(exc)}; "
            "please report it",
            err=True,
        )
        return 3
    return 0


def run() -> None:
    """Console-script entry point (``relforecast``)."""
    sys.exit(main())
