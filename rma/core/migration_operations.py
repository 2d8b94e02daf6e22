"""Migration operations shared by the apps' migrations (imported by them: keep the names and behaviour stable)."""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex that builds CONCURRENTLY on PostgreSQL (no write lock on a large table); plain on SQLite, where the
    index's NULLS FIRST / NULLS LAST are left out (see `index_for_sqlite`)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _index_build(schema_editor, model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _index_drop(schema_editor, model, self.index)


class RemoveIndexConcurrentlyOnPostgres(migrations.RemoveIndex):
    """RemoveIndex that drops CONCURRENTLY on PostgreSQL (no lock on the table's readers and writers while it waits
    for them); plain on SQLite. The index a migration replaces is dropped after its successor is built, so that the
    queries it served keep an index throughout."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            _index_drop(schema_editor, model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            _index_build(schema_editor, model, index)


def _index_build(schema_editor, model, index: models.Index) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, index, concurrently=True)
    else:
        schema_editor.add_index(model, index_for_sqlite(index))


def _index_drop(schema_editor, model, index: models.Index) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, index, concurrently=True)
    else:
        schema_editor.remove_index(model, index_for_sqlite(index))


def index_for_sqlite(index: models.Index) -> models.Index:
    """The same index without NULLS FIRST / NULLS LAST, which SQLite refuses in an index ("unsupported use of NULLS
    FIRST") but where it already puts NULLs: first in an ascending column, last in a descending one. Any other
    placement has no equivalent there and is refused."""
    expressions = []
    for expression in index.expressions:
        if isinstance(expression, models.OrderBy) and (expression.nulls_first or expression.nulls_last):
            if bool(expression.nulls_first) == bool(expression.descending):
                raise ValueError(f"SQLite cannot place NULLs as {index.name} asks")
            expression = models.OrderBy(expression.expression, descending=expression.descending)
        expressions.append(expression)
    if expressions == list(index.expressions):
        return index
    return models.Index(*expressions, name=index.name, condition=index.condition)
