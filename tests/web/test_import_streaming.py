"""Customer imports read their stored file once, however many batches they take, resume after
the committed rows when a worker died mid-import, and write a batch together unless the
database refuses one of its rows."""

import csv

import pytest
from sqlalchemy import select, update

from surveys.customers import import_rows, imports
from surveys.models import Customer, CustomerImport, StageChange
from worker.import_tasks import import_customers

CSV = "external_id,email,stage\n" + "".join(f"c{i},c{i}@example.com,active\n" for i in range(10))


@pytest.fixture
def reads(monkeypatch) -> dict[str, int]:
    """Counts the CSV readers built and the records they hand out from now on."""
    counted = {"readers": 0, "records": 0}
    real = csv.reader

    class Counted:
        def __init__(self, *args, **kwargs):
            counted["readers"] += 1
            self.reader = real(*args, **kwargs)

        def __iter__(self):
            return self

        def __next__(self):
            record = next(self.reader)
            counted["records"] += 1
            return record

        @property
        def line_num(self) -> int:
            return self.reader.line_num

    monkeypatch.setattr(csv, "reader", Counted)
    return counted


def queued(session, content: str = CSV) -> CustomerImport:
    customer_import = imports.create_import(session, "x.csv", content)
    session.commit()
    return customer_import


def test_an_import_reads_its_file_once_however_many_batches_it_takes(session, reads):
    customer_import = queued(session)
    reads |= {"readers": 0, "records": 0}  # what create_import read to count the rows
    imports.start(session, customer_import)

    assert list(imports.run_batches(session, customer_import, 3)) == [3, 6, 9, 10]
    session.commit()

    assert reads == {"readers": 1, "records": 11}  # the header and ten rows, once each
    session.refresh(customer_import)
    assert (customer_import.status, customer_import.created_count) == ("done", 10)


def test_a_redelivered_task_resumes_after_the_committed_rows(session, app, reads):
    customer_import = queued(session)
    imports.start(session, customer_import)
    batches = imports.run_batches(session, customer_import, 4)
    assert next(batches) == 4
    session.commit()  # then the worker died: the import stays "running" after 4 rows
    batches.close()
    reads |= {"readers": 0, "records": 0}

    assert import_customers.apply(args=[customer_import.id]).get() == "done"

    assert reads == {"readers": 1, "records": 11}
    session.refresh(customer_import)
    counts = (
        customer_import.processed_rows,
        customer_import.created_count,
        customer_import.unchanged_count,
    )
    assert counts == (10, 10, 0)  # the first four were not imported again
    assert len(session.scalars(select(StageChange)).all()) == 10


def test_an_import_whose_stored_file_no_longer_reads_fails_with_the_reason(session, app):
    customer_import = queued(session)
    session.execute(
        update(CustomerImport)
        .where(CustomerImport.id == customer_import.id)
        .values(content="email\na@example.com\n")
    )
    session.commit()

    assert import_customers.apply(args=[customer_import.id]).get() == "failed"

    session.refresh(customer_import)
    assert "no external_id column" in customer_import.errors[-1]["reason"]
    assert session.scalars(select(Customer)).all() == []


def test_a_row_the_database_refuses_is_reported_alone(session, monkeypatch):
    write = import_rows.apply_customer_fields

    def refuse_c3(session, customer, values, **kwargs):
        write(session, customer, values, **kwargs)
        if customer.external_id == "c3":
            customer.external_id = None  # NOT NULL: only the database can refuse this

    monkeypatch.setattr(import_rows, "apply_customer_fields", refuse_c3)
    customer_import = queued(session)
    imports.start(session, customer_import)
    list(imports.run_batches(session, customer_import, 4))
    session.commit()

    session.refresh(customer_import)
    assert customer_import.created_count == 9
    [error] = customer_import.errors
    assert error["line"] == 5
    assert error["reason"].startswith("the database refused the row (")
    stored = set(session.scalars(select(Customer.external_id)))
    assert stored == {f"c{i}" for i in range(10)} - {"c3"}
    assert len(session.scalars(select(StageChange)).all()) == 9


def test_a_customer_twice_in_one_batch_is_created_then_updated(session):
    content = "external_id,email,plan\nc1,a@example.com,basic\nc1,,pro\nc1,,pro\n"
    customer_import = queued(session, content)
    imports.start(session, customer_import)
    list(imports.run_batches(session, customer_import))
    session.commit()

    session.refresh(customer_import)
    counts = (
        customer_import.created_count,
        customer_import.updated_count,
        customer_import.unchanged_count,
    )
    assert counts == (1, 1, 1)
    customer = session.scalars(select(Customer)).one()
    assert (customer.email, customer.attributes) == ("a@example.com", {"plan": "pro"})
