"""What the port rewards, per call and per operator (issue 10; design in docs/design/clean-ship-programmes.md).

- ``vsr``: Vessel Speed Reduction — transits through the speed rings, compliance, dockage discounts and the
  emissions saved against the service speed;
- ``esi``: Environmental Ship Index score and the incentive tables;
- ``at_berth``: CARB At-Berth regulation, shore power per visit;
- ``statements``: the incentive statement per operator and year.

Rules are data (``data/``, each row with ``source`` and ``status``); each module offers the one-case
calculator ``calculate(document, *, source)``.
"""
