"""The ports: what the services need of the outside world, as Protocols and the plain values
they carry. Standard library and the domain only, so that adapters implement them and services
use them without either importing the other."""
