"""`socket contacts list|link|unlink|new|match --auto|duplicates`, and the plan's contact marks,
on the playground (40 clients, 45 demo Xero contacts, 4 clients linked)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from socketcli.bootstrap import wire
from socketcli.domain.records import XeroContact
from socketcli.services.demo_data import contact_id


def statuses(socket) -> dict[str, str]:
    return {row["reference"]: row["status"] for row in socket.json("contacts", "list")}


def linked_names(socket) -> dict[str, str | None]:
    return {row["reference"]: row["xero_contact"] for row in socket.json("contacts", "list")}


def change_mirror(db: Path, name: str, **changes: object) -> XeroContact:
    """Change a mirrored contact as a sync would after a change in Xero."""
    wiring = wire(db)
    try:
        with wiring.uow(write=True) as uow:
            (found,) = [c for c in uow.mirror.contacts() if c.name == name]
            changed = replace(found, **changes)  # type: ignore[arg-type]
            uow.mirror.save_contacts([changed])
            uow.commit()
    finally:
        wiring.close()
    return changed


# -- list --


def test_list_shows_every_client_and_what_needs_attention(socket, playground):
    rows = socket.json("contacts", "list")
    assert len(rows) == 40
    by_reference = {row["reference"]: row for row in rows}
    assert by_reference["CLI007"] == {
        "reference": "CLI007",
        "client": "Brightwater Dental LLP",
        "status": "linked",
        "xero_contact_id": contact_id("Brightwater Dental LLP"),
        "xero_contact_number": "CLI007",
        "xero_contact": "Brightwater Dental LLP",
        "merged_into": None,
        "names_differ": False,
        "warning": None,
    }
    assert by_reference["CLI001"]["status"] == "unlinked"
    assert by_reference["CLI001"]["warning"] == "not linked to a Xero contact"

    unmatched = socket.json("contacts", "list", "--unmatched")
    assert {row["reference"] for row in unmatched} == {
        row["reference"] for row in rows if row["status"] in ("unlinked", "merged")
    } - {"CLI030"}  # closed last month: no longer billed, so nobody need decide
    assert by_reference["CLI026"]["status"] == "merged"  # the demo's merged contact
    assert by_reference["CLI026"]["merged_into"] == "Singh Property Lettings Ltd"
    table = socket.ok("contacts", "list", "--unmatched")
    assert "⚠ not linked" in table.stdout
    assert f"{len(unmatched)} clients need attention: run `socket contacts match`" in table.stderr


# -- link, unlink, new --


def test_link_by_name_contact_id_or_contact_number(socket, playground):
    socket.ok("contacts", "link", "CLI001", "city limousines")
    socket.ok("contacts", "link", "CLI002", contact_id("Smith and Sons Limited"))
    linked = socket.json("contacts", "link", "CLI003", "CLI003")  # Harrow's ContactNumber
    assert linked == {
        "reference": "CLI003",
        "client": "Harrow Plumbing & Heating Ltd",
        "xero_contact_id": contact_id("Harrow Plumbing and Heating Ltd"),
        "xero_contact": "Harrow Plumbing and Heating Ltd",
        "shared_with": [],
    }
    names = linked_names(socket)
    assert names["CLI001"] == "City Limousines"
    assert names["CLI002"] == "Smith and Sons Limited"
    assert names["CLI003"] == "Harrow Plumbing and Heating Ltd"
    said = socket.ok("contacts", "link", "CITY LIMO", "City Limousines")  # by client name too
    assert "Linked CITY LIMO (CLI001) to City Limousines." in said.stderr


def test_a_contact_linked_to_another_client_needs_shared(socket, playground):
    error = socket.fails("contacts", "link", "CLI001", "Brightwater Dental LLP", code=4)
    assert "already linked to CLI007 (Brightwater Dental LLP)" in error
    assert "--shared" in error
    assert statuses(socket)["CLI001"] == "unlinked"

    shared = socket.json("contacts", "link", "CLI001", "Brightwater Dental LLP", "--shared")
    assert shared["shared_with"] == ["CLI007"]
    assert linked_names(socket)["CLI001"] == "Brightwater Dental LLP"


def test_link_refuses_what_cannot_be_linked(socket, playground):
    assert "client 'NOPE' does not exist" in socket.fails(
        "contacts", "link", "NOPE", "City Limousines", code=3
    )
    missing = socket.fails("contacts", "link", "CLI001", "City Limos Direct", code=3)
    assert "Xero contact 'City Limos Direct' does not exist; did you mean 'City Limousines'" in (
        missing
    )
    archived = socket.fails("contacts", "link", "CLI020", "Thompson Haulage Ltd", code=4)
    assert "is archived in Xero" in archived
    assert "is empty" in socket.fails("contacts", "link", "CLI001", "  ", code=2)
    assert set(statuses(socket).values()) == {"linked", "unlinked", "merged"}


def test_unlink_and_new(socket, playground):
    said = socket.ok("contacts", "unlink", "CLI007")
    assert "Unlinked Brightwater Dental LLP (CLI007)" in said.stderr
    assert statuses(socket)["CLI007"] == "unlinked"
    assert "is not linked" in socket.fails("contacts", "unlink", "CLI007", code=4)

    assert socket.json("contacts", "new", "CLI022")["status"] == "new"
    row = {r["reference"]: r for r in socket.json("contacts", "list")}["CLI022"]
    assert (row["status"], row["warning"]) == ("new", None)
    assert "CLI022" not in {r["reference"] for r in socket.json("contacts", "list", "--unmatched")}
    # Linking later replaces the choice; unlinking clears it.
    socket.ok("contacts", "link", "CLI022", "Jones Garage Services")
    assert statuses(socket)["CLI022"] == "linked"
    socket.ok("contacts", "unlink", "CLI022")
    assert statuses(socket)["CLI022"] == "unlinked"


# -- match --auto --


def test_auto_dry_run_links_nothing_and_says_what_it_would(socket, playground):
    before = socket.json("contacts", "list")
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    assert socket.json("contacts", "list") == before
    assert report["dry_run"] is True
    assert report["threshold"] == 90
    would = {item["reference"]: item["xero_contact"] for item in report["linked"]}
    assert would["CLI001"] == "City Limousines"
    assert would["CLI002"] == "Smith and Sons Limited"
    assert would["CLI020"] == "Thompson Haulage (UK) Ltd"  # not its archived namesake
    left = {item["reference"]: item for item in report["left"]}
    # Riverside Vets and a plural (Florist) are for a person to confirm; three clients have
    # no contact in Xero. A replaced letter in a long word (Kowalsky) with nothing else close
    # is linked.
    assert would["CLI016"] == "Kowalsky Builders Ltd"
    assert set(left) == {"CLI010", "CLI022", "CLI035", "CLI037", "CLI038"}
    assert left["CLI010"]["best"]["name"] == "Riverside Vets Ltd"
    assert left["CLI010"]["why"] == f"best match scores {left['CLI010']['best']['score']}, under 90"
    assert left["CLI022"]["best"] is None

    shown = socket.ok("contacts", "match", "--auto", "--dry-run")
    assert "Would link" in shown.stdout
    assert "dry run: nothing was linked" in shown.stderr


def test_auto_json_gives_scripts_codes_and_the_contacts_numbers(socket, playground):
    """Each client left has a stable code beside the prose; each link carries the contact's
    ContactID and ContactNumber, as `left[].best` and `contacts list --json` do."""
    change_mirror(playground, "City Limousines", contact_number="CL-0042")
    socket.ok("contacts", "link", "CLI007", "Castle St Deli")  # taken before the run
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    linked = {item["reference"]: item for item in report["linked"]}
    assert linked["CLI001"]["xero_contact_id"] == contact_id("City Limousines")
    assert linked["CLI001"]["xero_contact_number"] == "CL-0042"
    left = {item["reference"]: item for item in report["left"]}
    codes = {reference: item["code"] for reference, item in left.items()}
    assert codes["CLI010"] == "below_threshold"
    assert codes["CLI022"] == "no_candidate"
    assert (codes["CLI014"], left["CLI014"]["taken_by"]) == ("contact_taken", "CLI007")
    assert left["CLI014"]["why"] == "Castle St Deli is linked to CLI007"
    assert set(codes.values()) <= {
        "below_threshold",
        "too_close",
        "contact_taken",
        "no_candidate",
        "only_archived",
        "contact_archived",
        "contact_missing",
    }
    for item in left.values():
        assert set(item) >= {"code", "why", "best", "runner_up", "taken_by"}
        assert (item["runner_up"] is not None) == (item["code"] == "too_close")
    socket.ok("contacts", "link", "CLI001", "City Limousines")
    listed = {r["reference"]: r for r in socket.json("contacts", "list")}
    assert listed["CLI001"]["xero_contact_number"] == "CL-0042"


def add_mirror(db: Path, *names: str) -> None:
    """Contacts added to the mirror as a sync would add them."""
    wiring = wire(db)
    try:
        with wiring.uow(write=True) as uow:
            uow.mirror.save_contacts([XeroContact(f"id-{name}", name) for name in names])
            uow.commit()
    finally:
        wiring.close()


def test_auto_links_a_damaged_name_its_damage_tells_apart(socket, playground):
    """A client's name with a damaged character is linked to the contact it differs from only
    there (beside a namesake of another legal form); two contacts it could be are left
    `too_close`, the other named as the runner-up."""
    add_mirror(playground, "Quenby Harrow Inc", "Quenby Harrow Ltd", "Tarnley Kitchens")
    add_mirror(playground, "Tarnley Kitchers")
    socket.ok("clients", "add", "DMG1", "Quenby Harrow _nc", "--year-end", "31-03")
    socket.ok("clients", "add", "DMG2", "Tarnley Kitche}s", "--year-end", "31-03")
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    linked = {item["reference"]: item for item in report["linked"]}
    assert linked["DMG1"]["xero_contact"] == "Quenby Harrow Inc"
    assert linked["DMG1"]["xero_contact_id"] == "id-Quenby Harrow Inc"
    left = {item["reference"]: item for item in report["left"]}
    assert left["DMG2"]["code"] == "too_close"
    assert {left["DMG2"]["best"]["name"], left["DMG2"]["runner_up"]["name"]} == {
        "Tarnley Kitchens",
        "Tarnley Kitchers",
    }


def test_auto_links_confident_matches_and_leaves_the_rest(socket, playground):
    report = socket.json("contacts", "match", "--auto")
    names = linked_names(socket)
    for item in report["linked"]:
        assert names[item["reference"]] == item["xero_contact"]
    assert names["CLI001"] == "City Limousines"
    assert names["CLI026"] == "Singh Property Lettings Ltd"  # where Xero merged its contact
    assert sorted(r for r, status in statuses(socket).items() if status == "unlinked") == [
        "CLI010",
        "CLI022",
        "CLI030",  # closed last month: no longer billed, so not matched
        "CLI035",
        "CLI037",
        "CLI038",
    ]
    again = socket.json("contacts", "match", "--auto")
    assert again["linked"] == []  # nothing more to link: it is idempotent


def test_auto_with_a_lower_threshold_links_more(socket, playground):
    report = socket.json("contacts", "match", "--auto", "--threshold", "80")
    assert "CLI010" in {item["reference"] for item in report["linked"]}
    assert report["threshold"] == 80


def test_auto_never_links_a_contact_another_client_has(socket, playground):
    socket.ok("contacts", "link", "CLI007", "City Limousines")  # wrongly, by hand
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    left = {item["reference"]: item["why"] for item in report["left"]}
    assert left["CLI001"] == "City Limousines is linked to CLI007"


@pytest.mark.parametrize("threshold", ["101", "-1"])
def test_a_threshold_out_of_range_is_refused(socket, playground, threshold):
    error = socket.fails("contacts", "match", "--auto", "--threshold", threshold, code=2)
    assert f"threshold {threshold} is out of range" in error


def test_match_options_for_scripts_need_auto(socket, playground):
    assert "--dry-run goes with --auto" in socket.fails("contacts", "match", "--dry-run", code=2)
    assert "--threshold goes with --auto" in socket.fails(
        "contacts", "match", "--threshold", "80", code=2
    )


def test_interactive_match_refuses_without_a_terminal(socket, playground):
    error = socket.fails("contacts", "match", code=2)
    assert "there is none" in error
    assert "socket contacts match --auto" in error


def test_matching_needs_xero_contacts(socket, practice):
    assert "run `socket sync` first" in socket.fails("contacts", "link", "ACME", "Acme Ltd", code=5)
    assert "run `socket sync` first" in socket.fails("contacts", "match", "--auto", code=5)
    assert "run `socket sync` first" in socket.fails("contacts", "duplicates", code=5)


# -- duplicates --


def test_duplicates_lists_contacts_that_look_like_one_business(socket, playground):
    groups = socket.json("contacts", "duplicates")
    names = [[contact["name"] for contact in group] for group in groups]
    assert ["SMITH & SONS PLANT HIRE", "Smith & Sons Plant Hire Ltd"] in names
    assert all(len(group) >= 2 for group in names)
    shown = socket.ok("contacts", "duplicates")
    assert "Smith & Sons Plant Hire Ltd" in shown.stdout
    assert "Merge each group in Xero" in shown.stderr


# -- the plan's marks --


def test_plan_show_marks_archived_and_merged_contacts_and_counts_attention(socket, playground):
    change_mirror(playground, "Pennine Outdoor Gear Ltd", status="ARCHIVED")
    change_mirror(
        playground,
        "Sarah Jenkins Photography",
        status="ARCHIVED",
        merged_to=contact_id("Brightwater Dental LLP"),
    )
    rows = {row["reference"]: row for row in socket.json("plan", "show")["clients"]}
    assert rows["CLI018"]["xero_contact_status"] == "archived"
    assert rows["CLI018"]["warning"] == (
        "its Xero contact Pennine Outdoor Gear Ltd is archived in Xero"
    )
    assert rows["CLI012"]["xero_contact_status"] == "merged"
    assert rows["CLI012"]["warning"] == (
        "its Xero contact Sarah Jenkins Photography was merged into Brightwater Dental LLP in Xero"
    )
    assert rows["CLI007"]["warning"] is None

    shown = socket.ok("plan", "show")
    assert "⚠ Pennine Outdoor Gear Ltd (archived in Xero)" in shown.stdout
    assert "(merged into Brightwater Dental LLP)" in shown.stdout
    last = shown.stderr.strip().splitlines()[-1]
    attention = len(socket.json("contacts", "list", "--unmatched"))  # one definition
    assert last.startswith(f"⚠ {attention} clients need attention (1 contact archived, ")
    assert "2 contacts merged" in last  # the demo's own, and this one
    assert last.endswith("fix with `socket contacts match`.")

    # The merged client is offered where its contact went, first.
    listed = {r["reference"]: r for r in socket.json("contacts", "list", "--unmatched")}
    assert listed["CLI012"]["merged_into"] == "Brightwater Dental LLP"


def test_a_linked_contact_with_another_name_shows_both(socket, playground):
    socket.ok("contacts", "link", "CLI001", "City Limousines")
    shown = socket.ok("plan", "show")
    (row,) = [line for line in shown.stdout.splitlines() if "CLI001" in line]
    assert "CITY LIMO" in row
    assert "≠ City Limousines" in row
    assert "the Xero contact's name differs from the client's" in shown.stderr
    preview = socket.ok("plan", "preview", "CLI001")
    assert "Invoice to City Limousines" in preview.stderr
    assert "≠ CITY LIMO in socket" in preview.stderr


def test_plan_show_is_clean_once_every_client_is_decided(socket, playground):
    socket.ok("contacts", "match", "--auto")
    for reference, name in [
        ("CLI010", "Riverside Vets Ltd"),
        ("CLI016", "Kowalsky Builders Ltd"),
        ("CLI038", "Foxglove Florist"),
    ]:
        socket.ok("contacts", "link", reference, name)
    for reference in ("CLI022", "CLI035", "CLI037"):
        socket.ok("contacts", "new", reference)

    document = socket.json("plan", "show")
    assert document["totals"]["needing_attention"] == 0
    statuses_shown = {row["xero_contact_status"] for row in document["clients"]}
    assert statuses_shown == {"linked", "new"}
    shown = socket.ok("plan", "show")
    assert "⚠" not in shown.stdout
    assert shown.stderr.strip().splitlines()[-1] == (
        "No client needs attention: every client has a Xero contact."
    )
    assert "new: Fairway Golf Supplies Ltd" in shown.stdout


def test_preview_json_says_where_the_client_stands(socket, playground):
    merged = socket.json("plan", "preview", "CLI026")
    assert merged["xero_contact_status"] == "merged"
    assert merged["warning"] == (
        "its Xero contact Singh Lettings was merged into Singh Property Lettings Ltd in Xero"
    )
    socket.ok("contacts", "new", "CLI001")
    new = socket.json("plan", "preview", "CLI001")
    assert (new["xero_contact_status"], new["warning"]) == ("new", None)
    assert new["invoices"][0]["contact"] == {"name": "CITY LIMO", "contact_id": None}
    shown = socket.ok("plan", "preview", "CLI026")
    assert "⚠ its Xero contact Singh Lettings was merged into" in shown.stderr


def test_a_merge_into_a_contact_that_is_not_active_is_never_linked(socket, playground):
    """Singh Lettings was merged into Singh Property Lettings Ltd, itself merged since into
    a contact archived in Xero: nothing along the chain can be linked."""
    change_mirror(playground, "HM Revenue & Customs", status="ARCHIVED")
    change_mirror(
        playground,
        "Singh Property Lettings Ltd",
        status="ARCHIVED",
        merged_to=contact_id("HM Revenue & Customs"),
    )
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    assert "CLI026" not in {item["reference"] for item in report["linked"]}
    listed = {r["reference"]: r for r in socket.json("contacts", "list")}
    assert listed["CLI026"]["merged_into"] == "HM Revenue & Customs"  # where the chain ends
    plan = {r["reference"]: r for r in socket.json("plan", "show")["clients"]}
    assert plan["CLI026"]["warning"] == (  # the plan follows the chain as far, too
        "its Xero contact Singh Lettings was merged into HM Revenue & Customs in Xero"
    )
    error = socket.fails("contacts", "link", "CLI026", "Singh Property Lettings Ltd", code=4)
    assert "merged in Xero into a contact that is not active either" in error


def test_auto_reports_clients_linked_to_archived_contacts_as_left(socket, playground):
    change_mirror(playground, "Pennine Outdoor Gear Ltd", status="ARCHIVED")
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    left = {item["reference"]: item["why"] for item in report["left"]}
    assert left["CLI018"] == "its Xero contact Pennine Outdoor Gear Ltd is archived in Xero"


def test_matching_asks_about_the_clients_of_the_plans_month(socket, playground):
    """After October is approved, the plan's month is November, as `plan show` has it: a
    client billed for the last time in November still needs its contact."""
    socket.ok("contacts", "link", "CLI026", "Singh Property Lettings Ltd")  # merged: blocks
    socket.ok("plan", "approve", "--month", "2026-10", "--yes", "--no-post")
    socket.ok("clients", "close", "CLI001", "--last-month", "2026-11")
    assert socket.json("plan", "show")["month"] == "2026-11"
    assert "CLI001" in {r["reference"] for r in socket.json("contacts", "list", "--unmatched")}
    report = socket.json("contacts", "match", "--auto", "--dry-run")
    assert "CLI001" in {item["reference"] for item in report["linked"]}


def test_link_by_a_name_before_a_number(socket, playground):
    """A ContactNumber that happens to be another contact's name does not take the link."""
    change_mirror(playground, "Foxglove Florist", contact_number="Marsh Farm")
    linked = socket.json("contacts", "link", "CLI025", "Marsh Farm")
    assert linked["xero_contact"] == "Marsh Farm"
