"""What carriers calling at the port owe under IMO and EU carbon rules, computed from data held or given.

- :mod:`~quayside.programs.compliance.cii`: IMO Carbon Intensity Indicator (attained, required, rating A-E);
- :mod:`~quayside.programs.compliance.eu_ets`: EU ETS maritime (emissions in scope, allowances to surrender);
- :mod:`~quayside.programs.compliance.fueleu`: FuelEU Maritime (GHG intensity, compliance balance, penalty);
- :mod:`~quayside.programs.compliance.voyages`: the EU voyages file both EU rules read.

Every rule and factor is a row of ``compliance/data/*.csv`` with its source and status (C confirmed, U
unconfirmed); each calculator lists the rows it used.
"""
