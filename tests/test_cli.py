"""Operator commands: seed-demo, create-admin."""

import json

from sqlalchemy import func, select

from portal.models import Cafe, Membership, Role, User


def test_seed_demo_json_lists_cafes_and_logins_that_work(runner, client, db):
    result = runner.invoke(args=["seed-demo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["created"] is True
    assert len(data["cafes"]) >= 3
    departments = set(db.session.scalars(select(Cafe.department)))
    assert len(departments) >= 3
    roles_by_cafe = {}
    for login in data["logins"]:
        assert set(login) == {"email", "password", "role", "cafe"}
        roles_by_cafe.setdefault(login["cafe"], set()).add(login["role"])
    for slug in data["cafes"]:
        assert {"manager", "staff", "moderator", "resident"} <= roles_by_cafe[slug]
        assert client.get(f"/c/{slug}/").status_code == 200
    assert roles_by_cafe[None] == {"network_admin"}

    manager = next(x for x in data["logins"] if x["role"] == "manager")
    response = client.post(
        "/account/login", data={"email": manager["email"], "password": manager["password"]}
    )
    assert response.status_code == 303
    assert client.get(f"/c/{manager['cafe']}/manage/profile").status_code == 200


def test_seed_demo_gives_each_cafe_hours_services_and_a_team(runner, db):
    runner.invoke(args=["seed-demo"])
    for cafe in db.session.scalars(select(Cafe)):
        assert cafe.weekly_hours and cafe.services and cafe.hours_exceptions
        roles = set(db.session.scalars(select(Membership.role).where(Membership.cafe_id == cafe.id)))
        assert {Role.MANAGER, Role.STAFF, Role.MODERATOR, Role.HELPER} <= roles


def test_seed_demo_leaves_an_existing_database_alone(runner, db):
    runner.invoke(args=["seed-demo"])
    users = db.session.scalar(select(func.count(User.id)))
    result = runner.invoke(args=["seed-demo", "--json"])
    assert json.loads(result.output)["created"] is False
    assert db.session.scalar(select(func.count(User.id))) == users


def test_create_admin_makes_a_network_admin(runner, client, db):
    result = runner.invoke(
        args=["create-admin", "--email", "Chef@Example.org", "--password", "un-long-secret"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "chef@example.org"))
    assert user.is_network_admin
    client.post("/account/login", data={"email": "chef@example.org", "password": "un-long-secret"})
    assert client.get("/network/").status_code == 200


def test_create_admin_promotes_an_existing_account(runner, db, resident):
    runner.invoke(args=["create-admin", "--email", resident.email, "--password", "un-long-secret"])
    db.session.refresh(resident)
    assert resident.is_network_admin


def test_create_admin_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "x@example.org", "--password", "court"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_backup_then_restore_brings_the_data_back(runner, db, tmp_path, cafe_a):
    path = tmp_path / "backup.bin"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0
    cafe_a.name = "Changed after the backup"
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert (
        db.session.scalar(select(Cafe.name).where(Cafe.slug == "saint-jean-de-cole"))
        == "Café de Saint-Jean-de-Côle"
    )


def test_restore_asks_before_replacing_everything(runner, tmp_path, cafe_a):
    path = tmp_path / "backup.bin"
    runner.invoke(args=["backup", str(path)])
    result = runner.invoke(args=["restore", str(path)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
