"""Writing a price table is atomic: a failure or an interrupt mid-write leaves the old file intact."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from archsel import api
from archsel.errors import PricingError
from archsel.pricing.table import PriceTable, load_price_file, load_prices
from archsel.pricing.update import PricingUpdateError, UpdatePlan, write_plan
from archsel.pricing.yaml_io import dump_table, write_text_atomic
from tests.pricelist_fake import FakePriceList, RecordingClient, load_products

SHIPPED = Path(__file__).resolve().parent.parent.parent / "pricing" / "aws" / "us-east-1.yaml"


@pytest.fixture
def plan(tmp_path: Path) -> UpdatePlan:
    shutil.copy(SHIPPED, tmp_path / "us-east-1.yaml")
    client = RecordingClient(FakePriceList(load_products("us-east-1")))
    return api.plan_pricing_update(region="us-east-1", client=client, today=dt.date(2026, 11, 26), directory=tmp_path)


def half_then_fail(exception: BaseException) -> object:
    def chunks(table: PriceTable) -> Iterator[str]:
        text = "".join(dump_table(table))
        yield text[: len(text) // 2]
        raise exception

    return chunks


@pytest.mark.parametrize(
    ("exception", "raised"),
    [(OSError(28, "No space left on device"), PricingUpdateError), (KeyboardInterrupt(), KeyboardInterrupt)],
)
def test_a_failure_mid_write_leaves_the_old_table(
    plan: UpdatePlan, exception: BaseException, raised: type[BaseException]
) -> None:
    before = plan.path.read_bytes()
    with pytest.raises(raised):
        write_plan(plan, chunks=half_then_fail(exception))  # type: ignore[arg-type]
    assert plan.path.read_bytes() == before
    assert [p.name for p in plan.path.parent.iterdir()] == ["us-east-1.yaml"]  # no temp file left behind
    assert load_prices("us-east-1", directory=plan.path.parent).as_of == dt.date(2026, 9, 20)


def test_a_written_file_that_does_not_load_is_not_moved_into_place(plan: UpdatePlan) -> None:
    before = plan.path.read_bytes()

    def broken(table: PriceTable) -> Iterator[str]:
        yield "".join(dump_table(table)).replace("currency: USD", "currency: EUR")

    with pytest.raises(PricingError, match="currency"):
        write_plan(plan, chunks=broken)
    assert plan.path.read_bytes() == before
    assert [p.name for p in plan.path.parent.iterdir()] == ["us-east-1.yaml"]


def test_a_complete_write_replaces_the_table_and_keeps_its_mode(plan: UpdatePlan) -> None:
    plan.path.chmod(0o640)
    write_plan(plan)
    assert load_price_file(plan.path).as_of == dt.date(2026, 11, 26)
    assert plan.path.stat().st_mode & 0o777 == 0o640


def test_write_text_atomic_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "eu-west-1.yaml"
    write_text_atomic(target, iter(["a: 1\n", "b: 2\n"]))
    assert target.read_text() == "a: 1\nb: 2\n"


def test_an_unwritable_folder_is_one_clear_error(plan: UpdatePlan, tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    moved = dataclasses.replace(plan, path=blocked / "us-east-1.yaml")
    with pytest.raises(PricingUpdateError, match="cannot write the price table") as caught:
        write_plan(moved)
    assert "--dir" in (caught.value.hint or "")
