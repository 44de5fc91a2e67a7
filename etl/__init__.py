"""ETL: clerks' ledgers (CSV, XLSX) -> the DuckDB warehouse. See etl/pipeline.py."""
