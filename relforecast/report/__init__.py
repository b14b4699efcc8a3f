"""Figures and (later) the outlook report."""
