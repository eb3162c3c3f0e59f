"""The domain of Brobyg: harvests, outcomes, actors, ties, substantiation, coding, history.

Must not import `app`, `network` or Flask.
"""
