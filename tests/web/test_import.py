"""Customer CSV imports: bad rows reported with their lines, good rows land, re-runs change nothing;
through the service, the Celery task, the CLI and the admin upload page."""

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.customers import imports
from surveys.customers.records import upsert_customer
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ConflictError, ForbiddenError, ValidationError
from surveys.models import Customer, CustomerImport, StaffUser, StageChange
from surveys.staff.accounts import create_staff
from worker.import_tasks import import_customers

PASSWORD = "import admin password"
GOOD_AND_BAD = (
    "external_id,email,name,locale,timezone,stage,unsubscribed,plan,mrr\n"
    "c1,ann@example.com,Ann,fi,Europe/Helsinki,active,false,pro,1200\n"
    "c2,not-an-email,Bob,en,,,,basic,\n"  # line 3: bad email
    "\n"
    "c3,cy@example.com,Cy,en GB,,,,,\n"  # line 5: not a language tag
    ',dee@example.com,"Dee, with comma",,,,,,\n'  # line 6: no external_id
    'c4,"multi\nline@example.com",Eve,,,,,,\n'  # line 7-8: quoted newline, bad email
    "c5,fay@example.com,Fay,,Mars/Olympus,,,,\n"  # line 9: bad time zone
    "c6,gus@example.com,Gus,en,UTC,loyal,yes,team,00120\n"
    "c7,hal@example.com,Hal,,,,maybe,,\n"  # line 11: bad unsubscribed
    "c8,ivy@example.com\n"  # line 12: too few values
)


def run(session, content: bytes | str, name: str = "customers.csv", batch_size: int = 3):
    customer_import = imports.create_import(session, name, content)
    assert imports.start(session, customer_import)
    for _ in imports.run_batches(session, customer_import, batch_size):
        pass
    session.commit()
    session.refresh(customer_import)
    return customer_import


def customers(session) -> dict[str, Customer]:
    return {c.external_id: c for c in session.scalars(select(Customer))}


def test_bad_rows_are_reported_with_their_lines_and_good_rows_land(session):
    done = run(session, GOOD_AND_BAD.encode())

    assert done.status == "done" and done.finished_at is not None
    assert (done.total_rows, done.processed_rows) == (9, 9)  # the blank line is no row
    assert (done.created_count, done.updated_count, done.unchanged_count) == (2, 0, 0)
    assert imports.failed_rows(done) == 7
    assert [(e["line"], e["reason"]) for e in done.errors] == [
        (3, "email: not an email address"),
        (5, "locale: a language tag like en, fi or sv-FI"),
        (6, "external_id: required"),
        (7, "email: not an email address"),
        (9, "timezone: an IANA time zone name, like Europe/Helsinki"),
        (11, "unsubscribed: true or false, not 'maybe'"),
        (12, "2 values, but the header has 9 columns"),
    ]
    assert all(e["reasons"] == [e["reason"]] for e in done.errors)
    stored = customers(session)
    assert set(stored) == {"c1", "c6"}
    ann = stored["c1"]
    assert (ann.email, ann.name, ann.locale, ann.timezone, ann.stage) == (
        "ann@example.com", "Ann", "fi", "Europe/Helsinki", "active",
    )  # fmt: skip
    assert ann.attributes == {"plan": "pro", "mrr": 1200}
    gus = stored["c6"]
    assert gus.unsubscribed is True and gus.stage == "loyal"
    assert gus.attributes == {
        "plan": "team",
        "mrr": "00120",
    }  # a code with a leading zero stays text


def test_a_rerun_of_the_same_file_changes_nothing(session):
    clock.set_source(lambda: datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    first = run(session, GOOD_AND_BAD.encode())
    before = {k: (c.updated_at, c.stage, dict(c.attributes)) for k, c in customers(session).items()}
    changes = session.scalars(select(StageChange)).all()

    clock.set_source(lambda: datetime(2025, 3, 2, 9, 0, tzinfo=UTC))
    again = run(session, GOOD_AND_BAD.encode())
    session.expire_all()

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert again.errors == first.errors
    after = {k: (c.updated_at, c.stage, dict(c.attributes)) for k, c in customers(session).items()}
    assert after == before  # updated_at included
    assert len(session.scalars(select(StageChange)).all()) == len(changes)


def test_changed_rows_count_as_updated_and_stage_changes_are_recorded(session):
    run(session, "external_id,email,stage\nc1,a@example.com,active\nc2,b@example.com,\n")
    done = run(session, "external_id,email,stage,plan\nc1,a@example.com,churned,\nc2,,,pro\n")

    assert (done.created_count, done.updated_count, done.unchanged_count) == (0, 2, 0)
    stored = customers(session)
    assert stored["c1"].stage == "churned"
    assert stored["c2"].email == "b@example.com"  # an empty cell keeps the value
    assert stored["c2"].attributes == {"plan": "pro"}
    moves = session.scalars(
        select(StageChange)
        .where(StageChange.customer_id == stored["c1"].id)
        .order_by(StageChange.id)
    ).all()
    assert moves[-1].to_stage == "churned" and moves[-1].cause == "import"
    assert all(move.cause == "import" for move in moves)


def test_an_import_never_resubscribes_anyone(session):
    customer = upsert_customer(session, "c1", email="a@example.com", unsubscribed=True)
    session.commit()
    done = run(session, "external_id,unsubscribed\nc1,false\n")
    session.refresh(customer)
    assert customer.unsubscribed is True
    assert done.unchanged_count == 1


def test_semicolons_a_bom_and_attr_prefixed_columns(session):
    text = "\ufeffexternal_id;Email;attr:name;vip\nc1;a@example.com;Nickname;true\n"
    done = run(session, text.encode("utf-8"))
    assert done.created_count == 1, done.errors
    customer = customers(session)["c1"]
    assert customer.email == "a@example.com" and customer.name is None
    assert customer.attributes == {"name": "Nickname", "vip": True}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"email,name\na@example.com,A\n", "no external_id column"),
        (b"external_id,email,email\nc1,a,b\n", "appears twice"),
        (b"external_id,,name\nc1,a,b\n", "has no name"),
        (b"external_id,email\n", "no rows"),
        ("external_id\nc\u00e4\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_up_front(session, content, words):
    with pytest.raises(ValidationError) as caught:
        imports.create_import(session, "x.csv", content)
    assert words in caught.value.message
    assert session.scalars(select(CustomerImport)).all() == []


def test_progress_is_committed_batch_by_batch_and_a_second_run_cannot_double_count(session):
    rows = "".join(f"c{i},c{i}@example.com\n" for i in range(7))
    customer_import = imports.create_import(session, "x.csv", "external_id,email\n" + rows)
    imports.start(session, customer_import)
    session.commit()
    with Session(bind=session.get_bind(), expire_on_commit=False) as other_worker:
        stale = other_worker.get(CustomerImport, customer_import.id)  # read before the batch

        batches = imports.run_batches(session, customer_import, 3)
        assert next(batches) == 3
        session.commit()
        assert customer_import.processed_rows == 3 and customer_import.created_count == 3

        with pytest.raises(ConflictError):
            next(imports.run_batches(other_worker, stale, 3))
        other_worker.rollback()

    assert list(batches) == [6, 7]  # and then it is done
    session.commit()
    assert customer_import.status == "done"
    assert (customer_import.processed_rows, customer_import.created_count) == (7, 7)


def test_the_task_runs_an_import_once(session, app):
    customer_import = imports.create_import(session, "x.csv", "external_id\nc1\nc2\n")
    session.commit()

    assert import_customers.apply(args=[customer_import.id]).get() == "done"
    session.refresh(customer_import)
    assert customer_import.status == "done" and customer_import.created_count == 2
    started = customer_import.started_at

    assert import_customers.apply(args=[customer_import.id]).get() == "done"  # not run again
    session.refresh(customer_import)
    assert customer_import.created_count == 2 and customer_import.unchanged_count == 0
    assert customer_import.started_at == started
    assert import_customers.apply(args=[999999]).get() == "missing"


# The CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def cli(app, engine):
    return app.test_cli_runner()


def test_cli_imports_with_progress_and_lists_the_bad_rows(cli, session, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")

    result = cli.invoke(args=["import-customers", str(path)])

    assert result.exit_code == 1, result.output  # some rows were refused
    assert "9 rows from customers.csv" in result.output
    assert "Importing" in result.output
    assert "Done: 2 created, 0 updated, 0 unchanged, 7 refused." in result.output
    assert "line 3: email: not an email address" in result.output
    assert "line 12: 2 values, but the header has 9 columns" in result.output
    assert set(customers(session)) == {"c1", "c6"}

    again = cli.invoke(args=["import-customers", str(path)])
    assert "Done: 0 created, 0 updated, 2 unchanged, 7 refused." in again.output


def test_cli_succeeds_on_a_clean_file_and_refuses_an_unreadable_one(cli, session, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("external_id,email\nc1,a@example.com\n", encoding="utf-8")
    result = cli.invoke(args=["import-customers", str(good)])
    assert result.exit_code == 0, result.output
    assert "Done: 1 created, 0 updated, 0 unchanged, 0 refused." in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("email\na@example.com\n", encoding="utf-8")
    result = cli.invoke(args=["import-customers", str(bad)])
    assert result.exit_code == 1
    assert "no external_id column" in result.output


# The admin upload page ---------------------------------------------------------------------------


@pytest.fixture
def admin(client, session):
    create_staff(session, "admin@example.com", PASSWORD, role="admin")
    create_staff(session, "agent@example.com", PASSWORD, role="agent")
    session.commit()
    client.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    return client


def upload(client, content: bytes, name: str = "customers.csv"):
    return client.post(
        "/admin/imports",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_upload_runs_the_import_and_its_page_shows_progress_and_bad_rows(admin, session):
    response = upload(admin, GOOD_AND_BAD.encode())

    assert response.status_code == 303
    page_url = response.headers["Location"]
    match = re.search(r"/admin/imports/(\d+)$", page_url)
    assert match
    page = admin.get(page_url).get_data(as_text=True)
    assert "Import of customers.csv" in page
    assert "<progress" in page
    assert "Rows not imported" in page
    assert '<td class="num">3</td>\n          <td>email: not an email address</td>' in page
    assert 'http-equiv="refresh"' not in page  # done: no more refreshing

    status = admin.get(f"/admin/imports/{match.group(1)}/status").get_json()
    assert status | {"id": 0} == {
        "id": 0, "status": "done", "total_rows": 9, "processed_rows": 9, "percent": 100,
        "created": 2, "updated": 0, "unchanged": 0, "refused": 7, "finished": True,
    }  # fmt: skip
    listing = admin.get("/admin/imports").get_data(as_text=True)
    assert "customers.csv" in listing
    uploader = session.scalars(select(StaffUser).where(StaffUser.email == "admin@example.com"))
    stored = session.get(CustomerImport, int(match.group(1)))
    assert stored.created_by_id == uploader.one().id  # who started it, from the actor


def test_only_an_admin_imports_and_the_command_line_acts_as_kaiku(session):
    agent = create_staff(session, "agent@example.com", PASSWORD, role="agent")
    with pytest.raises(ForbiddenError):
        imports.create_import(session, "c.csv", "external_id\nc1\n", actor=Actor.of_staff(agent))

    from_cli = imports.create_import(session, "c.csv", "external_id\nc1\n")

    assert from_cli.created_by_id is None


def test_a_queued_import_page_refreshes_itself(admin, session):
    customer_import = imports.create_import(session, "later.csv", "external_id\nc1\n")
    session.commit()
    page = admin.get(f"/admin/imports/{customer_import.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "data-import-status=" in page and "admin.js" in page
    assert "Waiting for a worker" in page


def test_upload_refuses_a_bad_file_next_to_the_field(admin, session):
    response = upload(admin, b"email\na@example.com\n")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="file-error"' in body and "no external_id column" in body
    assert session.scalars(select(CustomerImport)).all() == []

    response = admin.post("/admin/imports", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a CSV file" in response.get_data(as_text=True)


def test_upload_accepts_files_over_the_global_body_limit_up_to_its_own(admin, app, session):
    rows = "".join(f"c{i},customer{i}@example.com\n" for i in range(4000))
    content = ("external_id,email\n" + rows).encode()
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(admin, content).status_code == 303
    assert len(customers(session)) == 4000

    limit = app.config["IMPORT_MAX_BYTES"]
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        response = upload(admin, content)
    finally:
        app.config["IMPORT_MAX_BYTES"] = limit
    assert response.status_code == 413
    assert "larger than the limit" in response.get_data(as_text=True)


def test_upload_checks_the_csrf_token(admin, app, session):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = upload(admin, b"external_id\nc1\n")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 422
    assert "The form expired" in response.get_data(as_text=True)
    assert session.scalars(select(CustomerImport)).all() == []


def test_import_pages_are_for_admins_only(client, session):
    create_staff(session, "agent@example.com", PASSWORD, role="agent")
    session.commit()
    assert client.get("/admin/imports").status_code == 302  # anonymous: to the sign-in page
    assert upload(client, b"external_id\nc1\n").status_code == 302
    client.post("/login", data={"email": "agent@example.com", "password": PASSWORD})
    assert client.get("/admin/imports").status_code == 403
    assert upload(client, b"external_id\nc1\n").status_code == 403
    assert session.scalars(select(CustomerImport)).all() == []


def test_rows_with_any_language_tag_are_imported_as_given(session):
    done = run(session, "external_id,locale\nd1,de\nd2,sv_FI\nd3,EN-gb\n")

    assert done.errors == [] and done.created_count == 3
    assert {c.external_id: c.locale for c in customers(session).values()} == {
        "d1": "de", "d2": "sv-FI", "d3": "en-GB",
    }  # fmt: skip


FOUR_REASONS = (
    "external_id,email,timezone,stage,unsubscribed\n"
    ",not-an-email,Mars/Olympus,royal,maybe\n"  # line 2: five things wrong
    "c9,ok@example.com,Mars/Olympus,royal,\n"  # line 3: two
)


def test_a_bad_row_lists_every_reason_not_only_the_first(session):
    done = run(session, FOUR_REASONS)

    first, second = done.errors
    assert first["line"] == 2 and first["reasons"] == [
        "external_id: required",
        "email: not an email address",
        "timezone: an IANA time zone name, like Europe/Helsinki",
        "stage: one of onboarding, active, loyal, advocate, at_risk, churned",
        "unsubscribed: true or false, not 'maybe'",
    ]
    assert first["reason"] == "; ".join(first["reasons"])
    assert second["line"] == 3 and len(second["reasons"]) == 2
    assert customers(session) == {}


def test_the_import_page_lists_each_reason_of_a_row(admin, session):
    response = upload(admin, FOUR_REASONS.encode())

    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    row = page[page.index('<td class="num">2</td>') : page.index('<td class="num">3</td>')]
    assert row.count("<li>") == 5
    assert "<li>email: not an email address</li>" in row
    assert "<li>stage: one of onboarding, active, loyal, advocate, at_risk, churned</li>" in row
