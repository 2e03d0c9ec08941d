"""The type stubs cover every public name, agree with the runtime (mypy.stubtest), and type-check a
typical program."""

import ast
import inspect
import pathlib
import subprocess
import sys

import duo_directory
import duo_directory._native as native
import duo_directory.testing

PACKAGE = pathlib.Path(duo_directory.__file__).parent
STUB = PACKAGE / "_native.pyi"


def stub_names():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            names = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
            members[node.name] = names
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            top.add(node.target.id)
        elif isinstance(node, ast.Assign):
            top.update(t.id for t in node.targets if isinstance(t, ast.Name))
    # members inherited from the stub-only base class
    for name, names in members.items():
        if name != "_Model" and "_Model" in STUB.read_text(encoding="utf-8").split(f"class {name}(", 1)[-1].split(")", 1)[0]:
            names |= members["_Model"]
    return top, members


def test_every_public_name_has_a_stub():
    top, members = stub_names()
    for name in native.__all__:
        assert name in top, f"_native.{name} has no stub"
    for name in duo_directory.__all__:
        assert name in top, f"duo_directory.{name} has no stub"
    for name in dir(native):
        obj = getattr(native, name)
        if name.startswith("__") or not inspect.isclass(obj) or issubclass(obj, BaseException):
            continue
        for member in vars(obj):
            if member.startswith("_"):
                continue
            assert member in members[name], f"{name}.{member} has no stub"


def test_stubtest_agrees_with_the_runtime(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "duo_directory", "--mypy-config-file", str(tmp_path / "none.ini")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


TYPED_PROGRAM = '''
import asyncio
from typing import Optional
from duo_directory import AsyncClient, Client, DuoApiError, PreparedRequest, User, UserStatus, sign_request
from duo_directory.testing import Emulator

def sync_part(emu: Emulator) -> None:
    with emu.client(timeout=5.0) as client:
        users: list[User] = list(client.list_users(page_size=300))
        one: Optional[User] = client.get_user_by_username("x")
        status: UserStatus = users[0].status
        created: User = client.create_user("a", email="a@example.com", status="active")
        preview: PreparedRequest = client.preview.update_user(created.user_id, notes="")
        client.delete_user(created.user_id)
        body: Optional[str] = preview.body
        print(one, status.value, body)

async def async_part(client: AsyncClient) -> int:
    n = 0
    async for user in client.list_users():
        n += len(user.groups)
    u: User = await client.get_user("DU1")
    try:
        await client.delete_user(u.user_id)
    except DuoApiError as e:
        print(e.status, e.code, e.kind)
    return n

auth: str = sign_request("DI", "sk", "GET", "h", "/p", {"a": ["1", "2"]}, date="d", sig_version=2, digest="sha1").authorization
'''


def test_a_typical_program_type_checks(tmp_path):
    program = tmp_path / "program.py"
    program.write_text(TYPED_PROGRAM)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
