"""Bulletins (监测日报、周报、月报) and their templates."""
