"""Kaiku's domain: models and services, free of Flask.

Services are plain functions whose first argument is a SQLAlchemy session. They add and flush;
the caller (a view, a task, a CLI command) commits once.
"""
