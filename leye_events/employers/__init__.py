"""Employers, their posts (岗位), company visits, booths at fairs, interview slots and applications."""
from . import receivers  # noqa: E402,F401  (a cancelled registration frees its interview seats)
