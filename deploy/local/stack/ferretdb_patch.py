"""The local stack's changes to FerretDB v1: `_id` filters, single or `$in`, use the `_id` index,
a write never waits for a pooled connection while its own read holds another, and no leak
tracker records a stack trace for every iterator.

1. FerretDB v1.24 pushes an equality filter down to PostgreSQL as `_jsonb->$1 @> $2`, with the
   field name as a query parameter. Its `_id` index is a btree on `(_jsonb->'_id')`, which neither
   a parameterised expression nor `@>` can use, so every read, update and guarded write by `_id`
   is a sequential scan of the collection: 9 ms per read at 20,000 documents here (1.2 ms
   patched), and minutes of saturated store for a back-fill of 100,000 views. The patched filter
   for `_id` is `_jsonb->'_id' = $1`, which the index serves. It selects the same rows: `_id` is
   never an array (the one case where `@>` and `=` differ on JSON scalars), and FerretDB applies
   the whole filter again to what the pushed-down query returns.
2. Upstream pushes no `$in` down at all, so a read of many documents by `_id` is a sequential
   scan too, however few it names. The patched `{_id: {$in: [...]}}` of strings, ObjectIDs or
   dates is `_jsonb->'_id' IN ($1, ..., $n)`, which the same index serves: a batch's documents
   in one indexed query instead of one round trip each (`shared.mongo.read_by_ids`). Any other
   `$in` is left as upstream has it.
3. `update` and `findAndModify` keep their query's rows open, holding one pooled PostgreSQL
   connection, while they write through a second one. Fifty concurrent updates (the pool's size)
   each hold one and wait for another, and the store stops answering every client for good; a
   goroutine dump of the stalled store showed exactly that. `delete` already reads its matches
   and closes the query before it writes ("close read transaction before starting write
   transaction"); the patch makes the other two do the same.
4. Every iterator and connection is "tracked" to detect leaks: a stack trace is recorded into a
   pprof profile and a finalizer set, which panics the whole store if the object was not
   closed. In a CPU profile of the store during a history import that was a tenth of its time
   (plus the collector's work for the finalizers); the patched build tracks nothing.

The changes are applied to a copy of the upstream module that the build uses through a
`replace` directive, so the module cache and its checksums stay untouched. Each edit is checked:
if the upstream text moved, the build stops and says so instead of building an unpatched store.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import provisioning
from .console import fail

MODULE = "github.com/FerretDB/FerretDB"


@dataclass(frozen=True)
class Edit:
    path: str  # inside the module
    upstream: str
    patched: str


_ID_FILTER = Edit(
    "internal/backends/postgresql/query.go",
    upstream="""\
	case string, types.ObjectID, time.Time:
		// merge with the case below?
		// TODO https://github.com/FerretDB/FerretDB/issues/3626

		// don't change the default eq query
		filter = fmt.Sprintf(sql, metadata.DefaultColumn, operator, p.Next(), p.Next())
		args = append(args, k, string(must.NotFail(sjson.MarshalSingleValue(v))))
""",
    patched="""\
	case string, types.ObjectID, time.Time:
		if k == "_id" {
			// c360 local stack: `=` on the indexed expression, so the _id index serves it.
			filter = fmt.Sprintf("%s = %s", metadata.IDColumn, p.Next())
			args = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))

			break
		}

		// don't change the default eq query
		filter = fmt.Sprintf(sql, metadata.DefaultColumn, operator, p.Next(), p.Next())
		args = append(args, k, string(must.NotFail(sjson.MarshalSingleValue(v))))
""",
)

_ID_IN_FILTER = Edit(
    "internal/backends/postgresql/query.go",
    upstream="""\
				default:
					// $gt and $lt
					// TODO https://github.com/FerretDB/FerretDB/issues/1875
					continue
""",
    patched="""\
				case "$in":
					// c360 local stack: `_id` among strings, ObjectIDs or dates is one `IN` on
					// the indexed expression. The whole filter is applied again to the rows.
					values, ok := v.(*types.Array)
					if rootKey != "_id" || !ok || values.Len() == 0 {
						continue
					}

					var ids []any

					for i := 0; i < values.Len(); i++ {
						switch value := must.NotFail(values.Get(i)).(type) {
						case string, types.ObjectID, time.Time:
							ids = append(ids, string(must.NotFail(sjson.MarshalSingleValue(value))))
						}
					}

					if len(ids) != values.Len() {
						continue
					}

					in := make([]string, len(ids))
					for i := range ids {
						in[i] = p.Next()
					}

					filter := fmt.Sprintf("%s IN (%s)", metadata.IDColumn, strings.Join(in, ", "))
					filters = append(filters, filter)
					args = append(args, ids...)

				default:
					// $gt and $lt
					// TODO https://github.com/FerretDB/FerretDB/issues/1875
					continue
""",
)

_UPDATE_READS_FIRST = Edit(
    "internal/handler/msg_update.go",
    upstream="""\
		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
""",
    patched="""\
		// c360 local stack: close the read before writing, as execDelete does.
		matches, err := iterator.ConsumeValues(iter)
		res.Iter.Close()

		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}

		iter = iterator.Values(iterator.ForSlice(matches))
		closer.Add(iter)

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
""",
)

_FIND_AND_MODIFY_READS_FIRST = Edit(
    "internal/handler/msg_findandmodify.go",
    upstream="""\
	// findAndModify modifies a single document
	iter = common.LimitIterator(iter, closer, 1)
""",
    patched="""\
	// findAndModify modifies a single document
	iter = common.LimitIterator(iter, closer, 1)

	// c360 local stack: close the read before writing, as execDelete does.
	matches, err := iterator.ConsumeValues(iter)
	queryRes.Iter.Close()

	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	iter = iterator.Values(iterator.ForSlice(matches))
	closer.Add(iter)
""",
)

_NO_LIFETIME_TRACKING = Edit(
    "internal/util/resource/resource.go",
    upstream="""\
	checkArgs(obj, token)

	name := profileName(obj)
""",
    patched="""\
	checkArgs(obj, token)

	// c360 local stack: objects are not tracked (see Untrack).
	if !trackLifetimes {
		return
	}

	name := profileName(obj)
""",
)

_NO_LIFETIME_UNTRACKING = Edit(
    "internal/util/resource/resource.go",
    upstream="""\
	checkArgs(obj, token)

	p := pprof.Lookup(profileName(obj))
""",
    patched="""\
	checkArgs(obj, token)

	// c360 local stack: objects are not tracked. Tracking records a stack trace for every
	// iterator and sets a finalizer on it, to detect leaks: a tenth of the store's CPU.
	if !trackLifetimes {
		return
	}

	p := pprof.Lookup(profileName(obj))
""",
)

_TRACK_LIFETIMES_SWITCH = Edit(
    "internal/util/resource/resource.go",
    upstream="""\
// profilesM protects access to profiles.
""",
    patched="""\
// trackLifetimes is off in the c360 local stack's build.
const trackLifetimes = false

// profilesM protects access to profiles.
""",
)

EDITS = (
    _ID_FILTER,
    _ID_IN_FILTER,
    _UPDATE_READS_FIRST,
    _FIND_AND_MODIFY_READS_FIRST,
    _TRACK_LIFETIMES_SWITCH,
    _NO_LIFETIME_TRACKING,
    _NO_LIFETIME_UNTRACKING,
)


def patched(edit: Edit, upstream: str) -> str:
    """`upstream` with `edit` applied; fails when its text is not found exactly once."""
    found = upstream.count(edit.upstream)
    if found != 1:
        fail(
            f"FerretDB's {edit.path} no longer matches the text the local stack patches "
            f"(found {found} times); check deploy/local/stack/ferretdb_patch.py against it"
        )
    return upstream.replace(edit.upstream, edit.patched)


def patched_source(cache: Path, main: Path, folder: Path) -> Path:
    """A copy of the Go main in `main` that builds against a patched copy of the FerretDB module
    (a `replace` directive), written into `folder`; returns the copy's directory."""
    downloaded = subprocess.run(
        ["go", "mod", "download", "-json", MODULE],
        cwd=main,
        env={**os.environ, **provisioning.go_env(cache)},
        capture_output=True,
        text=True,
    )
    if downloaded.returncode:
        fail(f"go mod download {MODULE} failed:\n{downloaded.stdout}{downloaded.stderr}")
    shutil.rmtree(folder, ignore_errors=True)
    module = folder / "ferretdb"
    shutil.copytree(json.loads(downloaded.stdout)["Dir"], module)
    for edit in EDITS:
        file = module / edit.path
        file.chmod(0o644)
        file.write_text(patched(edit, file.read_text()))
    build = folder / "main"
    build.mkdir()
    for name in ("main.go", "go.sum"):
        shutil.copy(main / name, build / name)
    go_mod = (main / "go.mod").read_text()
    (build / "go.mod").write_text(f"{go_mod}\nreplace {MODULE} => ../ferretdb\n")
    return build
