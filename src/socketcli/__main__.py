"""`socket` and `python -m socketcli`."""

from __future__ import annotations


def main() -> None:
    from socketcli.cli.app import app

    app(prog_name="socket")


if __name__ == "__main__":
    main()
