"""socketcli: monthly billing plans from accepted proposals, posted to Xero exactly once."""

__version__ = "0.1.0"
