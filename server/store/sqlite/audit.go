package sqlite

// Filled in by the audit store.
const auditSchema = `CREATE TABLE placeholder_audit (id INTEGER PRIMARY KEY) STRICT;`
