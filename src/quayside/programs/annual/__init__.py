"""The annual report a port publishes: its inventory by source category, the changes, the intensities and the
progress against its targets.

- :mod:`~quayside.programs.annual.totals`: one year's totals from the inputs of each category;
- :mod:`~quayside.programs.annual.report`: the report (changes against a baseline and the previous year,
  targets) and its files;
- :mod:`~quayside.programs.annual.store`: the inputs read from what the store holds for a port;
- :mod:`~quayside.programs.annual.coverage`: what part of the year the data held cover;
- :mod:`~quayside.programs.annual.well_to_tank`: the upstream of the ships' fuels;
- :mod:`~quayside.programs.annual.files`: JSON, CSV and HTML.
"""
