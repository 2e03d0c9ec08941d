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

def returns_inside_with(emu: Emulator) -> User:
    with emu.client() as client:
        return client.get_users_by_email("a@example.com")[0]

async def returns_inside_async_with(emu: Emulator) -> bool:
    async with emu.async_client(deadline=10.0, max_retries=2) as client:
        user = await client.get_user("DU3RP9I2WOC59VZX672N")
        return user.status == "active" or user.status == UserStatus.BYPASS

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


def test_the_readme_examples_type_check(tmp_path):
    """Every `python` block of both READMEs, in order, under `mypy --strict`."""
    import re

    repo = PACKAGE.parents[2]
    blocks = []
    for readme in (repo / "README.md", repo / "bindings-python" / "README.md"):
        blocks += re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), flags=re.S)
    program = tmp_path / "readme.py"
    # the root README's example takes its credentials as given
    program.write_text('ikey, skey, host = "DIWJ8X6AEYOR5OMC6TQ1", "s" * 40, "api-x.duosecurity.com"\n' + "\n".join(blocks))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
