"""The port's carbon programmes: what it reports and plans, and what it rewards.

- :mod:`~quayside.programs.targets`: targets as data per port, and progress against them;
- :mod:`~quayside.programs.annual`: the annual report of the whole port;
- :mod:`~quayside.programs.planner`: the zero-emission transition planner.
"""
