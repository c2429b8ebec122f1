"""Employers, their posts (岗位), company visits, booths at fairs, interview slots and applications."""
