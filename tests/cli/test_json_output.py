"""`emit_json`: a list written item by item (`Streamed`) is the same text as the list, and
the rows made as f-strings (`plan diff --json`) are what the JSON encoder makes of a dict."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from socketcli.cli.output import Encoded, Streamed, emit_json
from socketcli.cli.reports import diff_row_json
from socketcli.domain.links import ContactLink, LinkStatus
from socketcli.domain.model import ChangeType
from socketcli.services.plan import DiffRow


@pytest.mark.parametrize("count", [0, 1, 2, 999, 1000, 1001, 2500])
def test_a_streamed_list_is_the_list_to_the_byte(capsys, count):
    items = [{"n": n, "name": f'client {n} \u00e9"\\'} for n in range(count)]
    encoded = [Encoded(json.dumps(item, ensure_ascii=False)) for item in items]
    emit_json({"month": "2026-12", "clients": items, "after": [1]})
    listed = capsys.readouterr().out
    emit_json({"month": "2026-12", "clients": Streamed(iter(encoded)), "after": [1]})
    assert capsys.readouterr().out == listed
    emit_json({"month": "2026-12", "clients": Streamed(items), "after": [1]})
    assert capsys.readouterr().out == listed
    texts = (json.dumps(item, ensure_ascii=False) for item in items)
    emit_json({"month": "2026-12", "clients": Streamed(texts, encoded=True), "after": [1]})
    assert capsys.readouterr().out == listed
    assert json.loads(listed)["clients"] == items


@pytest.mark.parametrize(
    ("change", "link", "lines"),
    [
        (ChangeType.NEW, ContactLink(LinkStatus.UNLINKED), 2),
        (ChangeType.CEASED, ContactLink(LinkStatus.MERGED, "Old [b] Ltd", "New \u202e Co"), 0),
        (ChangeType.EXPANDED, ContactLink(LinkStatus.LINKED, 'Acme "Ltd"'), 3),
    ],
)
def test_a_diff_row_is_what_the_encoder_makes_of_it(change, link, lines):
    row = DiffRow(
        "C1\t", 'Café \\ "Bar"', change, Decimal("10.50"), lines, Decimal("-0.25"), 1, link
    )
    expected = json.dumps(
        {
            "reference": row.reference,
            "client": row.client,
            "change": change.value,
            "amount": "10.50",
            "line_count": lines,
            "previous_amount": "-0.25",
            "previous_line_count": 1,
            "difference": "10.75",
            "xero_contact": link.contact_name,
            "xero_contact_status": link.status.value,
            "warning": row.warning,
        },
        ensure_ascii=False,
    )
    assert diff_row_json(row) == expected
