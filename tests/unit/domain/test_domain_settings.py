"""Practice settings: defaults, and how a value given by hand is checked."""

import pytest

from socketcli.domain.errors import InvalidInput
from socketcli.domain.settings import (
    SETTINGS,
    AlignmentInvoicing,
    Crm,
    PlanMode,
    PostingStatus,
    PracticeSettings,
    validate,
)
from socketcli.domain.terms import PaymentTerms, TermsKind


def test_the_defaults_are_those_the_product_describes():
    defaults = PracticeSettings.defaults()
    assert defaults.invoice_day == 1
    assert defaults.payment_terms == PaymentTerms(TermsKind.DAYS, 14)
    assert defaults.recurring_account_code == "200"
    assert defaults.one_off_account_code == "200"
    assert defaults.consolidate_recurring is False
    assert defaults.consolidate_one_off is False
    assert defaults.posting_status is PostingStatus.DRAFT
    assert defaults.plan_mode is PlanMode.APPROVE
    assert defaults.alignment_invoicing is AlignmentInvoicing.FIRST_INVOICE
    assert defaults.branding_theme == ""
    assert defaults.crm is Crm.SOCKET
    assert defaults.playground is False
    assert defaults.xero_organisation == ""


@pytest.mark.parametrize(
    "spec", [spec for spec in SETTINGS if spec.settable], ids=lambda spec: spec.key
)
def test_every_settable_default_passes_its_own_check(spec):
    assert validate(spec.key, spec.default) == spec.default


def test_stored_values_override_the_defaults():
    settings = PracticeSettings.from_values(
        {
            "invoice_day": "15",
            "payment_terms": "following:20",
            "consolidate_recurring": "true",
            "posting_status": "AUTHORISED",
            "alignment_invoicing": "separate",
        }
    )
    assert settings.invoice_day == 15
    assert settings.payment_terms == PaymentTerms(TermsKind.FOLLOWING, 20)
    assert settings.consolidate_recurring is True
    assert settings.posting_status is PostingStatus.AUTHORISED
    assert settings.alignment_invoicing is AlignmentInvoicing.SEPARATE
    assert settings.recurring_account_code == "200"


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("invoice_day", "07", "7"),
        ("invoice_day", "31", "31"),
        ("payment_terms", " Following:20 ", "following:20"),
        ("recurring_account_code", " 200 ", "200"),
        ("one_off_account_code", "4000-01", "4000-01"),
        ("consolidate_recurring", "Yes", "true"),
        ("consolidate_one_off", "off", "false"),
        ("posting_status", "authorised", "AUTHORISED"),
        ("plan_mode", "AUTO", "auto"),
        ("alignment_invoicing", "Separate", "separate"),
        ("branding_theme", "  Standard ", "Standard"),
        ("crm", "Xero", "xero"),
    ],
)
def test_a_good_value_is_stored_in_its_normal_form(key, value, stored):
    assert validate(key, value) == stored


def test_an_unknown_key_is_refused_naming_it_and_listing_the_known_ones():
    with pytest.raises(InvalidInput, match=r"unknown setting 'invoice_dayy'") as error:
        validate("invoice_dayy", "1")
    assert "invoice_day" in str(error.value).split("known settings:")[1]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("invoice_day", "0"),
        ("invoice_day", "32"),
        ("invoice_day", "first"),
        ("invoice_day", ""),
        ("payment_terms", "net30"),
        ("payment_terms", "following:32"),
        ("recurring_account_code", ""),
        ("recurring_account_code", "12345678901"),
        ("one_off_account_code", "20 0"),
        ("consolidate_recurring", "maybe"),
        ("consolidate_one_off", ""),
        ("posting_status", "SENT"),
        ("plan_mode", "manual"),
        ("alignment_invoicing", "later"),
        ("crm", "hubspot"),
    ],
)
def test_a_bad_value_is_refused_naming_the_key_and_the_value(key, value):
    with pytest.raises(InvalidInput) as error:
        validate(key, value)
    message = str(error.value)
    assert message.startswith(f"setting {key}: ")
    assert f"{value!r} is not valid" in message


def test_a_bad_choice_lists_the_choices():
    with pytest.raises(InvalidInput, match=r"expected one of DRAFT, AUTHORISED"):
        validate("posting_status", "SENT")


def test_bad_payment_terms_explain_the_expected_forms():
    with pytest.raises(InvalidInput, match=r"is not valid: expected days:N, eom:N"):
        validate("payment_terms", "net30")


def test_bad_payment_terms_containing_a_colon_still_read_cleanly():
    # The reason must be the hint itself, not a fragment of the repeated value.
    with pytest.raises(InvalidInput, match=r"'net: 30' is not valid: expected days:N"):
        validate("payment_terms", "net: 30")


@pytest.mark.parametrize(("key", "value"), [("playground", "true"), ("xero_organisation", "x")])
def test_a_setting_the_tool_manages_cannot_be_set_by_hand(key, value):
    with pytest.raises(InvalidInput, match=rf"setting '{key}' cannot be set by hand"):
        validate(key, value)


def test_tracking_options_are_checked_against_the_mirror() -> None:
    from socketcli.domain.settings import XeroChoices

    assert XeroChoices().tracking_option(" Region : Anywhere ") == "Region:Anywhere"
    choices = XeroChoices(
        tracking=(
            ("Region", True, (("North", True), ("West", False))),
            ("Old", False, (("Any", True),)),
        )
    )
    assert choices.tracking_option("region:NORTH") == "Region:North"
    for text, message in [
        ("Region:West", "tracking option Region:West is archived in Xero"),
        ("Old:Any", "tracking category 'Old' is archived in Xero"),
        ("Region:South", "'South' is not an option of the tracking category 'Region'"),
        ("Area:North", "'Area' is not one of the organisation's tracking categories"),
    ]:
        with pytest.raises(ValueError, match=message):
            choices.tracking_option(text)
