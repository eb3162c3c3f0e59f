"""Graphs of actors and ties: building, classifying, metrics, maps and exports.

May import `harvest`; must not import `app` or Flask.
"""
