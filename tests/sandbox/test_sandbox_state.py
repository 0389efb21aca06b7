"""The sandbox keeps what it received in a JSON file a person can read, and starts from it again."""

from __future__ import annotations

import dataclasses
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from xero_python.accounting import Contact, Contacts

from socketcli.sandbox import Sandbox, SandboxConfig, running_sandbox
from socketcli.sandbox.statefile import journal_path, read_state
from tests.sandbox.sandbox_helpers import CONTACTS, Sdk, make_sdk, pkce_tokens, refresh


def test_the_state_file_shows_what_xero_received_and_no_credential(
    xero: Sandbox, state_path: Path
) -> None:
    tokens = pkce_tokens(xero)
    second = refresh(xero, tokens["refresh_token"]).json()
    sdk = make_sdk(xero, second)
    sdk.accounting.create_contacts(
        xero.tenant_id,
        Contacts(contacts=[Contact(name="Nova Dental Ltd", email_address="hi@nova.example")]),
    )

    journal = journal_path(state_path).read_text()  # what changed, while it runs
    xero.stop()  # a stopped sandbox leaves everything in the file itself
    text = state_path.read_text()
    saved = json.loads(text)

    assert stat.S_IMODE(state_path.stat().st_mode) == 0o600
    (organisation,) = saved["organisations"]
    assert organisation["name"] == "Demo Practice Ltd"
    nova = next(c for c in organisation["contacts"] if c["Name"] == "Nova Dental Ltd")
    assert nova["EmailAddress"] == "hi@nova.example"
    assert nova["UpdatedDateUTC"].startswith("/Date(")
    assert len(saved["refresh_tokens"]) == 2
    assert len(saved["access_tokens"]) == 2
    for secret in (
        *[tokens[k] for k in ("access_token", "refresh_token")],
        second["access_token"],
        second["refresh_token"],
        xero.custom_client_secret,
        xero.web_client_secret,
    ):
        assert secret not in text
        assert secret not in journal
    assert "Nova Dental Ltd" in journal
    assert not list(state_path.parent.glob("*.tmp"))


def test_a_restarted_sandbox_carries_on_where_it_stopped(
    state_path: Path, sandbox_config: SandboxConfig
) -> None:
    with running_sandbox(state_path=state_path, contacts=CONTACTS, config=sandbox_config) as first:
        tokens = pkce_tokens(first)
        make_sdk(first, tokens).accounting.create_contacts(
            first.tenant_id, Contacts(contacts=[Contact(name="Nova Dental Ltd")])
        )
        first.advance_clock(600)
        moment = first.now()

    with running_sandbox(state_path=state_path, contacts=[], config=sandbox_config) as again:
        assert again.contact_named("Nova Dental Ltd") is not None
        assert len(again.contacts()) == len(CONTACTS) + 1
        assert again.now() >= moment
        rotated = refresh(again, tokens["refresh_token"])
        assert rotated.status == 200
        sdk = make_sdk(again, rotated.json())
        assert [c.tenant_name for c in sdk.identity.get_connections()] == ["Demo Practice Ltd"]


def test_reset_goes_back_to_the_start(sdk: Sdk, xero: Sandbox, state_path: Path) -> None:
    sdk.accounting.create_contacts(
        xero.tenant_id, Contacts(contacts=[Contact(name="Nova Dental Ltd")])
    )
    xero.add_fault(status=500)

    xero.reset()

    assert xero.contact_named("Nova Dental Ltd") is None
    assert xero.faults() == []
    assert all(
        c["Name"] != "Nova Dental Ltd"
        for c in read_state(state_path).organisations[xero.tenant_id].contacts.values()
    )


def test_the_playgrounds_demo_contact_list_seeds_the_sandbox(tmp_path: Path) -> None:
    from socketcli.services.demo_data import build_demo

    demo = build_demo(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    given = [dataclasses.asdict(contact) for contact in demo.xero_contacts]

    with running_sandbox(state_path=tmp_path / "playground-xero.json", contacts=given) as xero:
        held = {c["ContactID"]: c for c in xero.contacts()}

    assert set(held) == {c.contact_id for c in demo.xero_contacts}
    for contact in demo.xero_contacts:
        assert held[contact.contact_id]["Name"] == contact.name
        assert held[contact.contact_id]["ContactStatus"] == contact.status
        assert held[contact.contact_id].get("ContactNumber") == contact.contact_number
