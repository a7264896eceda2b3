package sqlite

// Filled in by the sessions store.
const sessionsSchema = `CREATE TABLE placeholder_sessions (id INTEGER PRIMARY KEY) STRICT;`
