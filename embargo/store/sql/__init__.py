"""The store over SQL: one implementation of every protocol, run by SQLite and by PostgreSQL.

The SQL is written once (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``: all understood by both); a
:class:`~embargo.store.sql.db.Db` is one connection and carries what the two backends do differently
(opening, write locks, bulk loading, notifications, which errors mean what). Table definitions differ
(types, triggers) and live side by side in :mod:`embargo.store.sql.schema`.
"""
