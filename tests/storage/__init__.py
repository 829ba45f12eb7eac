"""Storage: run storage, event log and the PostgreSQL test fixtures."""
