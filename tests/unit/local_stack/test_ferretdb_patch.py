"""The local stack's FerretDB patches apply exactly where they were written, or not at all."""

import pytest

from deploy.local.stack import ferretdb_patch
from deploy.local.stack.console import StackError


@pytest.mark.parametrize("edit", ferretdb_patch.EDITS, ids=lambda edit: edit.path)
def test_each_edit_replaces_its_upstream_text_and_keeps_the_rest(
    edit: ferretdb_patch.Edit,
) -> None:
    upstream = "package before\n" + edit.upstream + "\t}\n}\n"
    patched = ferretdb_patch.patched(edit, upstream)
    assert patched == "package before\n" + edit.patched + "\t}\n}\n"
    assert "c360 local stack" in patched


@pytest.mark.parametrize("copies", [0, 2])
def test_an_upstream_text_that_moved_stops_the_build(copies: int) -> None:
    edit = ferretdb_patch.EDITS[0]
    with pytest.raises(StackError, match="no longer matches"):
        ferretdb_patch.patched(edit, "package postgresql\n" + edit.upstream * copies)
