"""Where the tick tables live and how they are partitioned, kept and described, per backend.

- `backend`: which storage a database has (timescale, partman, postgres, sqlite).
- `tables`: the writer's row layout of each tick table and how rows are checked and encoded.
- `schema`: the migration step that creates the tables for the detected backend.
- `timescale`, `partman`, `sqlite`: the backend-specific DDL, maintenance and description.
- `services`: retention and maintenance (what the Celery tasks call); `info`: storage_info.
"""
