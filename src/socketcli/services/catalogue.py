"""The pricing menu: services with their billing method, account code and alignment flag."""

from __future__ import annotations

from dataclasses import replace

from socketcli.domain.clients import check_tracking
from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.model import BillingMethod
from socketcli.domain.overrides import clears
from socketcli.domain.proposals import alignment_problem
from socketcli.domain.records import Service
from socketcli.domain.settings import SPECS
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.services.settings import known_account_code, known_tracking

METHODS = ", ".join(method.value for method in BillingMethod)


def parse_method(text: str) -> BillingMethod:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return BillingMethod(key)
    except ValueError:
        raise InvalidInput(f"billing method {text!r} is not one of: {METHODS}") from None


def check_account_code(text: str) -> str:
    try:
        return SPECS["recurring_account_code"].check(text)
    except ValueError as error:
        raise InvalidInput(f"account code {text!r}: {error}") from None


def list_services(store: OpenStore) -> list[Service]:
    with store() as uow:
        return uow.services.all()


def get_service(uow: UnitOfWork, name: str) -> Service:
    service = uow.services.get(name)
    if service is None:
        raise NotFound(f"service {name!r} does not exist: see `socket services list`")
    return service


def add_service(
    store: OpenStore,
    name: str,
    method: str,
    *,
    account_code: str | None = None,
    alignment: bool = False,
    tracking: str | None = None,
) -> Service:
    with store(write=True) as uow:
        clean = " ".join(name.split())
        if not clean:
            raise InvalidInput("service name is empty")
        if uow.services.get(clean) is not None:
            raise Conflict(
                f"service {clean!r} already exists: change it with `socket services edit`"
            )
        billing_method = parse_method(method)
        problem = alignment_problem(Service(clean, billing_method, alignment_eligible=alignment))
        if problem is not None:
            raise InvalidInput(problem)
        service = Service(
            name=clean,
            billing_method=billing_method,
            account_code=None
            if account_code is None or clears(account_code)
            else known_account_code(uow, account_code),
            alignment_eligible=alignment,
            tracking_category=None
            if tracking is None or clears(tracking)
            else known_tracking(
                uow, check_tracking(tracking, "tracking category"), "tracking category"
            ),
        )
        saved = uow.services.save(service)
        uow.commit()
        return saved


def edit_service(
    store: OpenStore,
    name: str,
    *,
    method: str | None = None,
    account_code: str | None = None,
    alignment: bool | None = None,
    tracking: str | None = None,
) -> Service:
    with store(write=True) as uow:
        service = get_service(uow, name)
        if method is not None:
            service = replace(service, billing_method=parse_method(method))
        if account_code is not None:
            service = replace(
                service,
                account_code=None
                if clears(account_code)
                else known_account_code(uow, account_code),
            )
        if alignment is not None:
            service = replace(service, alignment_eligible=alignment)
        if tracking is not None:
            service = replace(
                service,
                tracking_category=None
                if clears(tracking)
                else known_tracking(
                    uow, check_tracking(tracking, "tracking category"), "tracking category"
                ),
            )
        problem = alignment_problem(service)
        if problem is not None:
            raise InvalidInput(problem)
        saved = uow.services.save(service)
        uow.commit()
        return saved
