"""`socket xero status`: the connected organisation and its token, without a secret."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption

if TYPE_CHECKING:
    from socketcli.services.xero_connect import StatusReport


def status(
    ctx: typer.Context,
    json_: JsonOption = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Ask Xero that the connection works (refreshing the token if due)."
        ),
    ] = False,
) -> None:
    """Show the connected organisation, the scopes, when the token expires and where it is kept."""
    from datetime import UTC, datetime

    from socketcli.cli.output import emit_json
    from socketcli.services.xero_connect import status as connection_status

    st = state(ctx)
    settings = st.settings()
    tenant_override = st.wiring.xero_tenant_override()
    with st.xero(settings, connect=False) as xero:
        report = connection_status(
            st.store, xero, now=datetime.now(UTC), tenant_override=tenant_override, check=check
        )
    fields = _fields(report, playground=xero.playground)
    if json_:
        emit_json(fields)
    else:
        _table(fields)


def _fields(report: StatusReport, *, playground: bool) -> dict[str, Any]:
    age = report.refresh_token_age
    return {
        "organisation": report.organisation or None,
        "tenant_id": report.tenant_id,
        "connection": report.connection,
        "scopes": list(report.scopes),
        "access_token_expires": report.access_token_expires,
        "access_token_expired": report.access_token_expired,
        "refresh_token_issued": report.refresh_token_issued,
        "refresh_token_age_days": None if age is None else round(age.total_seconds() / 86400, 2),
        "refresh_token_expires_if_unused": report.refresh_token_expires,
        "token_store": report.token_store,
        "token_file": report.token_file,
        "playground": playground,
        "check": report.check,
    }


def _table(fields: dict[str, Any]) -> None:
    """One row a field, as a person reads it; what is not known is left out."""
    from socketcli.cli.output import escape, show, table

    grid = table("Xero", "", title="Xero connection")
    for key, value in fields.items():
        if value is None or value == []:
            continue
        if isinstance(value, list):
            value = " ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif hasattr(value, "isoformat"):
            value = value.isoformat(timespec="seconds")
        grid.add_row(key.replace("_", " "), escape(str(value)))
    show(grid)
