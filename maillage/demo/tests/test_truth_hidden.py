"""The generator's hidden labels never reach the product."""

from __future__ import annotations

from pathlib import Path

import maillage

PACKAGE = Path(maillage.__file__).parent


def product_files() -> list[Path]:
    files = [
        path
        for pattern in (
            "*/views.py",
            "*/views/*.py",
            "*/forms.py",
            "*/admin.py",
            "*/selectors.py",
            "*/urls.py",
            "*/context_processors.py",
            "urls.py",
            "*/api/*.py",
        )
        for path in PACKAGE.glob(pattern)
        if path.parts[-2] not in {"demo", "bench"}
    ]
    files += [p for p in PACKAGE.rglob("templates/**/*") if p.is_file()]
    return files


def test_it_keeps_demo_truth_out_of_views_templates_and_admin() -> None:
    files = product_files()
    assert any(p.name == "views.py" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="ignore")
        assert "DemoTruth" not in text, path
        assert "demo_truth" not in text.lower(), path
        assert "maillage.demo" not in text, path
        assert "archetype" not in text.lower(), path


def test_it_registers_no_demo_model_in_the_admin() -> None:
    from django.contrib import admin

    from maillage.demo.models import DemoRun, DemoTruth

    assert not admin.site.is_registered(DemoTruth)
    assert not admin.site.is_registered(DemoRun)
