"""The outside world behind the services' ports: the store and Xero."""
