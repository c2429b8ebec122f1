"""Stations: Yangpu's 乐业空间 (sub-district, park and university stations)."""
