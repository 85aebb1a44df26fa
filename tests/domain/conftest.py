"""Fixtures for the domain's tests: services on a plain SQLAlchemy session, with no Flask app.

``engine`` is this run's test database (TestConfig) with the schema made from the models; the
root ``session`` fixture binds to it. Rows are deleted after each test, as everywhere in the
suite. ``settings`` are read from TestConfig the way the app reads them.
"""

import pytest
import sqlalchemy as sa

from config import TestConfig
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import Base
from tests.conftest import seed, wipe


@pytest.fixture(scope="session")
def domain_engine():
    engine = sa.create_engine(
        TestConfig.SQLALCHEMY_DATABASE_URI, **TestConfig.SQLALCHEMY_ENGINE_OPTIONS
    )
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    seed(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(domain_engine):
    yield domain_engine
    wipe(domain_engine)
    clock.set_source(None)


@pytest.fixture(scope="session")
def settings() -> Settings:
    config = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    return Settings.from_mapping(config)
