"""moto's server, with TransactWriteItems rolled back item by item instead of by copying the whole region.

moto 5.1.1 deep-copies every table of the region before each TransactWriteItems, to restore it if the transaction
is cancelled (moto/dynamodb/models/__init__.py `transact_write_items`). Each transaction then costs time in
proportion to everything stored, and a flood of 1,000 stopped tasks (one transaction each) takes minutes instead of
seconds. This launcher keeps the same all-or-nothing behaviour and CancellationReasons, but snapshots only the items
the transaction names and puts them back when it is cancelled. Real DynamoDB is not involved; only the emulator.
Run by `scripts/emulator.sh serve` with moto's own arguments.
"""

import copy
import sys

from moto.dynamodb import models
from moto.dynamodb.models.table import Table
from moto.server import main

_transact_write_items = models.DynamoDBBackend.transact_write_items


class _CopyWithoutTables:
    """The `copy` module as moto's backend sees it, except that the region's tables (a dict of Table) are not copied."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, dict) and value and all(isinstance(table, Table) for table in value.values()):
            return value
        return copy.deepcopy(value, memo)


def _key_of(table, op_type, op):
    if op_type != "Put":
        return op["Key"]
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _snapshot(backend, transact_items):
    saved = []
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.get_table(op["TableName"])
            hash_key, range_key = backend.get_keys_value(table, _key_of(table, op_type, op))
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        except Exception:  # noqa: BLE001 - moto itself reports what is wrong with the entry
            continue
    return saved


def _restore(saved):
    for table, hash_key, range_key, item in reversed(saved):
        if item is None:
            table.delete_item(hash_key, range_key)
        elif range_key is not None:
            table.items[hash_key][range_key] = item
        else:
            table.items[hash_key] = item


def transact_write_items(self, transact_items):
    saved = _snapshot(self, transact_items)
    try:
        return _transact_write_items(self, transact_items)
    except Exception:
        _restore(saved)
        raise


models.copy = _CopyWithoutTables()
models.DynamoDBBackend.transact_write_items = transact_write_items

if __name__ == "__main__":
    sys.exit(main())
