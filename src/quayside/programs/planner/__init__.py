"""The zero-emission transition planner: scenario files applied year by year to a base inventory.

- :mod:`~quayside.programs.planner.scenarios` and :mod:`~quayside.programs.planner.toml_values`: the
  scenario files;
- :mod:`~quayside.programs.planner.base`: the base year (an ``annual.json``);
- :mod:`~quayside.programs.planner.tables`: the planner's sourced parameters, peaks and costs;
- :mod:`~quayside.programs.planner.years`: emissions, energy and costs per year;
  :mod:`~quayside.programs.planner.groups`, :mod:`~quayside.programs.planner.ships`,
  :mod:`~quayside.programs.planner.energy`, :mod:`~quayside.programs.planner.costs` and
  :mod:`~quayside.programs.planner.targets` hold the parts of its method;
- :mod:`~quayside.programs.planner.output`: ``plan.json``, CSV and HTML.
"""
