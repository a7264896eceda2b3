package sqlite

// Filled in by the outbox store.
const outboxSchema = `CREATE TABLE placeholder_outbox (id INTEGER PRIMARY KEY) STRICT;`
