"""The record: schema, readers, loader, validation messages, writer, migration."""
