"""Linked clients' details go to their Xero contacts; when both sides changed, socket's win and
the conflict is reported; with crm = xero, Xero's customers become clients."""

from __future__ import annotations

from socketcli.sandbox import Sandbox
from tests.runner import Socket
from tests.sync.sync_helpers import Store, contact_named


def test_a_local_change_to_a_linked_client_is_pushed_to_its_contact(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok(
        "clients", "add", "CITY", "City Limousines", "--email", "accounts@citylimousines.co.uk"
    )
    city = contact_named(connected, "City Limousines")
    store.link("CITY", city["ContactID"])
    first = socket.json("sync")
    # The first sync writes the client's reference into the contact's ContactNumber.
    assert first["clients_pushed"] == [
        {
            "reference": "CITY",
            "contact_id": city["ContactID"],
            "changes": {"contact_number": {"xero": "", "socket": "CITY"}},
        }
    ]

    socket.ok(
        "clients",
        "edit",
        "CITY",
        "--name",
        "City Limousines Ltd",
        "--email",
        "billing@citylimos.co.uk",
    )
    connected.clear_calls()
    second = socket.json("sync")

    assert second["exit_code"] == 0
    assert [p["reference"] for p in second["clients_pushed"]] == ["CITY"]
    assert second["calls"]["POST /Contacts"] == 1
    contact = contact_named(connected, "City Limousines Ltd")
    assert contact["ContactID"] == city["ContactID"]
    assert (contact["EmailAddress"], contact["ContactNumber"]) == (
        "billing@citylimos.co.uk",
        "CITY",
    )
    with store.uow() as uow:
        client = uow.clients.get("CITY")
    assert client is not None
    assert client.xero_contact_name == "City Limousines Ltd"

    connected.clear_calls()
    third = socket.json("sync")  # our own change comes back from Xero: nothing to do
    assert third["clients_pushed"] == []
    assert third["conflicts"] == []
    assert "POST /Contacts" not in connected.call_counts()


def test_when_both_sides_changed_socket_wins_and_the_conflict_is_reported(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("clients", "add", "SMITH", "Smith and Sons Limited")
    smith = contact_named(connected, "Smith and Sons Limited")
    store.link("SMITH", smith["ContactID"])
    socket.ok("sync")
    socket.ok("clients", "edit", "SMITH", "--name", "Smith & Sons Ltd")
    connected.edit_contacts(
        {
            "ContactID": smith["ContactID"],
            "Name": "Smith and Sons (Builders) Limited",
            "EmailAddress": "invoices@smithandsons.co.uk",
        }
    )

    result = socket.ok("sync", "--quiet")

    assert result.stdout == ""
    assert (
        "warning: conflict: SMITH's name changed in socket and in Xero since the last sync: "
        "socket's 'Smith & Sons Ltd' replaced Xero's 'Smith and Sons (Builders) Limited' "
        "(it was 'Smith and Sons Limited')"
    ) in result.stderr
    contact = contact_named(connected, "Smith & Sons Ltd")
    # The email changed in Xero only: it stays as Xero has it.
    assert contact["EmailAddress"] == "invoices@smithandsons.co.uk"
    connected.edit_contacts({"ContactID": smith["ContactID"], "Name": "Smith and Sons Ltd"})
    socket.ok("clients", "edit", "SMITH", "--name", "Smith & Sons Limited")

    report = socket.json("sync")

    assert report["exit_code"] == 0
    assert report["conflicts"] == [
        {
            "reference": "SMITH",
            "contact_id": smith["ContactID"],
            "field": "name",
            "socket": "Smith & Sons Limited",
            "xero": "Smith and Sons Ltd",
            "base": "Smith & Sons Ltd",
        }
    ]
    assert contact_named(connected, "Smith & Sons Limited") is not None


def test_a_contact_xero_refuses_is_a_problem_and_the_others_still_go(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    for reference, name in (("CITY", "City Limousines"), ("ATLAS", "Atlas Logistics Ltd")):
        socket.ok("clients", "add", reference, name)
        store.link(reference, contact_named(connected, name)["ContactID"])
    socket.ok("sync")
    socket.ok("clients", "edit", "CITY", "--name", "Jones Garage Services")  # another's name
    socket.ok("clients", "edit", "ATLAS", "--email", "finance@atlaslogistics.co.uk")

    result = socket.exits("sync", "--quiet", code=7)

    assert (
        "problem: CITY (Jones Garage Services): its Xero contact was not updated" in result.stderr
    )
    assert "already assigned to another contact" in result.stderr
    assert (
        "error: 1 client(s) could not be pushed to Xero (above); everything else synced"
        in result.stderr
    )
    assert (
        contact_named(connected, "Atlas Logistics Ltd")["EmailAddress"]
        == "finance@atlaslogistics.co.uk"
    )
    assert contact_named(connected, "City Limousines") is not None


def test_with_xero_as_the_crm_its_customers_become_linked_clients(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("clients", "add", "CLI007", "Brightwater Dental")  # the contact's ContactNumber
    socket.ok("settings", "set", "crm", "xero")

    report = socket.json("sync")

    created = {c["name"]: c for c in report["clients_created"]}
    assert "Thompson Haulage Ltd" not in created  # archived in Xero
    assert "Stationery Direct Ltd" not in created  # a supplier, not a customer
    assert created["Brightwater Dental LLP"]["linked_existing"] is True
    atlas = contact_named(connected, "Atlas Logistics Ltd")
    assert created["Atlas Logistics Ltd"] == {
        "reference": "CLI039",  # its ContactNumber
        "name": "Atlas Logistics Ltd",
        "contact_id": atlas["ContactID"],
        "linked_existing": False,
    }
    city = contact_named(connected, "City Limousines")
    assert created["City Limousines"]["reference"] == "CITYLIMO"  # made from its name
    assert city["ContactNumber"] == "CITYLIMO"  # ...and written back to Xero
    with store.uow() as uow:
        clients = {c.reference: c for c in uow.clients.all()}
    assert clients["CITYLIMO"].xero_contact_id == city["ContactID"]
    assert clients["CITYLIMO"].email == "accounts@citylimousines.co.uk"
    assert clients["CLI007"].xero_contact_id == created["Brightwater Dental LLP"]["contact_id"]
    assert clients["CLI007"].name == "Brightwater Dental LLP"  # Xero is the CRM
    assert "CLI007" not in [p["reference"] for p in report["clients_pushed"]]

    again = socket.json("sync")
    assert again["clients_created"] == []
    assert again["clients_pushed"] == []
