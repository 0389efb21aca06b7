"""`socket services list|add|edit`: the pricing menu."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import JsonOption

app = command_group(help="Manage the pricing menu of services.")

METHOD_HELP = (
    "Billing method: monthly, quarterly_in_advance, annual_in_advance, quarterly_on_completion, "
    "annual_on_completion, one_off or weekly."
)
# Each override takes `default` (or an empty value) to clear it (domain.overrides).
Code = Annotated[
    str | None,
    typer.Option(
        "--account-code",
        metavar="CODE",
        help="Xero account code, or default (the practice's for the service's kind).",
    ),
]
Tracking = Annotated[
    str | None,
    typer.Option(
        "--tracking",
        metavar="CATEGORY:OPTION",
        help="Xero tracking as Category:Option, or default (none).",
    ),
]


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the services with billing method, account code and alignment flag."""
    from socketcli.cli.output import emit_json, escape, show, table
    from socketcli.services.catalogue import list_services

    services = list_services(state(ctx).store)
    if json_:
        emit_json(
            [
                {
                    "name": s.name,
                    "billing_method": s.billing_method.value,
                    "account_code": s.account_code,
                    "alignment_fee": s.alignment_eligible,
                    "tracking": s.tracking_category,
                }
                for s in services
            ]
        )
        return
    grid = table(
        "Service",
        "Billing method",
        "Account code",
        "Alignment fee",
        "Tracking",
        title="Pricing menu",
    )
    for s in services:
        grid.add_row(
            escape(s.name),
            s.billing_method.value.replace("_", " "),
            escape(s.account_code or "(default)"),
            "yes" if s.alignment_eligible else "",
            escape(s.tracking_category or ""),
        )
    show(grid)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The service's name, e.g. 'Annual accounts'.")
    ],
    method: Annotated[str, typer.Option("--method", metavar="METHOD", help=METHOD_HELP)],
    account_code: Code = None,
    alignment: Annotated[
        bool,
        typer.Option(
            "--alignment/--no-alignment",
            help="Can carry an alignment fee (monthly services delivered once a year).",
        ),
    ] = False,
    tracking: Tracking = None,
) -> None:
    """Add a service to the pricing menu."""
    from socketcli.cli.output import say
    from socketcli.services.catalogue import add_service

    service = add_service(
        state(ctx).store,
        name,
        method,
        account_code=account_code,
        alignment=alignment,
        tracking=tracking,
    )
    say(f"Added service {service.name} ({service.billing_method.value})")


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The service's name.")],
    method: Annotated[
        str | None, typer.Option("--method", metavar="METHOD", help=METHOD_HELP)
    ] = None,
    account_code: Code = None,
    alignment: Annotated[
        bool | None,
        typer.Option(
            "--alignment/--no-alignment", help="Can carry an alignment fee.", show_default=False
        ),
    ] = None,
    tracking: Tracking = None,
) -> None:
    """Change a service (`--account-code default` or `--tracking default` clears it). Proposals already made keep their billing method."""
    from socketcli.cli.output import say
    from socketcli.services.catalogue import edit_service

    service = edit_service(
        state(ctx).store,
        name,
        method=method,
        account_code=account_code,
        alignment=alignment,
        tracking=tracking,
    )
    say(f"Updated service {service.name}")
