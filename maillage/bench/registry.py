"""The benchmark registry and the JSON line every benchmark prints.

A benchmark is a function that takes a `Context` and yields `Result`s, registered with the
parameters it uses at each scale:

    @benchmark(
        "home",
        "Member home page latency vs /health/, through a real server.",
        small={"requests": 300, "concurrency": 1},
        large={"requests": 2_000, "concurrency": 1},
    )
    def home(ctx: Context) -> Iterator[Result]:
        yield Result("member_home.p95", 12.3, "ms")

Modules in `maillage.bench.benchmarks` are imported on first use, so adding a benchmark is
adding a module there (see docs/benchmarks.md, "Adding a benchmark").
"""

from __future__ import annotations

import importlib
import json
import math
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maillage.bench.harness import Context

SCALES = ("small", "large")


class BenchmarkError(Exception):
    """A benchmark could not run or measured something wrong; the message says what."""


@dataclass(frozen=True)
class Result:
    """One measured value. `extra` adds keys to the JSON line (e.g. `errors`)."""

    metric: str
    value: float | int | None
    unit: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[Context], Iterable[Result]]
    scales: Mapping[str, Mapping[str, Any]]

    def params(self, scale: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """This benchmark's parameters at `scale`, with the overrides that apply to it.

        An override's value (a string from the command line, or any value) is converted to
        the type of the parameter's default; keys this benchmark does not use are ignored.
        """
        params = dict(self.scales[scale])
        for key, value in (overrides or {}).items():
            if key in params and value is not None:
                params[key] = coerce(value, params[key], key)
        return params


_KIND = {bool: "true or false", int: "a whole number", float: "a number"}


def coerce(value: Any, like: Any, key: str) -> Any:
    """`value` as the type of `like` (a command-line string becomes an int, a bool...)."""
    if not isinstance(value, str) or isinstance(like, str) or like is None:
        return value
    text = value.strip().lower()
    try:
        if isinstance(like, bool):
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError
        if isinstance(like, int):
            return int(text.replace("_", ""))
        if isinstance(like, float):
            return float(text)
    except ValueError:
        raise BenchmarkError(f"{key} must be {_KIND[type(like)]}, not {value!r}.") from None
    return value


_REGISTRY: dict[str, Benchmark] = {}
_discovered = False


def benchmark(
    name: str, description: str, *, small: Mapping[str, Any], large: Mapping[str, Any]
) -> Callable[[Callable[[Context], Iterable[Result]]], Callable[[Context], Iterable[Result]]]:
    """Register the decorated function as benchmark `name` with its per-scale parameters."""
    if name == "all" or not name.replace("_", "").isalnum():
        raise ValueError(f"Invalid benchmark name {name!r}.")
    if set(small) != set(large):
        raise ValueError(f"Benchmark {name!r}: small and large must set the same parameters.")

    def register(run: Callable[[Context], Iterable[Result]]):
        if name in _REGISTRY and _REGISTRY[name].run is not run:
            raise ValueError(f"Benchmark {name!r} is registered twice.")
        _REGISTRY[name] = Benchmark(
            name=name,
            description=description,
            run=run,
            scales={"small": dict(small), "large": dict(large)},
        )
        return run

    return register


def discover() -> None:
    """Import every module of `maillage.bench.benchmarks` (each registers its benchmarks)."""
    global _discovered
    if _discovered:
        return
    package = importlib.import_module("maillage.bench.benchmarks")
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    _discovered = True


def names() -> list[str]:
    discover()
    return sorted(_REGISTRY)


def get(name: str) -> Benchmark:
    discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise BenchmarkError(
            f"Unknown benchmark {name!r}; choose one of: {', '.join([*names(), 'all'])}."
        ) from None


def select(name: str) -> list[Benchmark]:
    """The benchmarks `maillage bench NAME` runs: one, or every one for `all`."""
    return [get(n) for n in names()] if name == "all" else [get(name)]


def json_line(*, bench: str, scale: str, result: Result, **context: Any) -> str:
    """The JSON object printed for one result, on one line.

    Keys: bench, metric, value, unit, scale, then `context` (e.g. db) and the result's extras.
    A value that is not a finite number (NaN: nothing measured) is written as null.
    """
    value = result.value
    if isinstance(value, float):
        value = round(value, 3) if math.isfinite(value) else None
    line = {
        "bench": bench,
        "metric": result.metric,
        "value": value,
        "unit": result.unit,
        "scale": scale,
        **context,
        **result.extra,
    }
    return json.dumps(line, ensure_ascii=False, allow_nan=False)
