"""AIS ingestion: readers of NMEA logs and MarineCadastre tables into canonical Arrow tables, and cleaning.

Public names, one import path each:

- :data:`quayside.ais.schema.POSITION_SCHEMA`, :data:`quayside.ais.schema.STATIC_SCHEMA`;
- :func:`quayside.ais.readers.read_ais`, :func:`quayside.ais.readers.iter_ais_batches`,
  :class:`quayside.ais.readers.IngestResult`;
- :class:`quayside.ais.report.IngestReport`, :class:`quayside.ais.report.Reject`,
  :func:`quayside.ais.report.write_rejects`;
- :func:`quayside.ais.clean.clean_positions`.
"""
